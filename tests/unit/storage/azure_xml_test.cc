#include "storage/azure_xml.h"

#include <gtest/gtest.h>

namespace jsm::storage {
namespace {

TEST(AzureXml, ParsesAListBlobsPageWithMarkerAndSkipsFolderPlaceholders) {
  const std::string xml =
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults "
      "ServiceEndpoint=\"http://x/\" "
      "ContainerName=\"lake\"><Prefix>t/</Prefix><MaxResults>2</MaxResults><Blobs>"
      "<Blob><Name>t/a&amp;b.json</Name><Properties><Last-Modified>Sat, 28 Nov 2026 03:10:20 "
      "GMT</Last-Modified>"
      "<Content-Length>12</Content-Length><BlobType>BlockBlob</BlobType></Properties><Metadata/></Blob>"
      "<Blob><Name>t/dir</Name><Properties><Content-Length>0</Content-Length></Properties>"
      "<Metadata><hdi_isfolder>true</hdi_isfolder></Metadata></Blob>"
      "</Blobs><NextMarker>2!72!MDAwMDA&amp;</NextMarker></EnumerationResults>";
  auto page = ParseBlobListXml(xml);
  ASSERT_TRUE(page) << page.error().ToString();
  ASSERT_EQ(page->blobs.size(), 1u);
  EXPECT_EQ(page->blobs[0].path, "t/a&b.json");
  EXPECT_EQ(page->blobs[0].size, 12);
  EXPECT_EQ(page->blobs[0].modified_ms, 1795835420000);
  EXPECT_EQ(page->next_marker, "2!72!MDAwMDA&");
}

TEST(AzureXml, LastPageHasAnEmptyMarker) {
  auto page = ParseBlobListXml("<EnumerationResults><Blobs /><NextMarker /></EnumerationResults>");
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->blobs.empty());
  EXPECT_EQ(page->next_marker, "");
}

TEST(AzureXml, BlobWithoutSizeIsCorruption) {
  auto page = ParseBlobListXml("<Blobs><Blob><Name>x</Name></Blob></Blobs>");
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code(), ErrorCode::kCorruption);
}

TEST(AzureXml, ErrorBodyGivesCodeAndFirstMessageLine) {
  const auto error = ParseAzureErrorXml(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobAlreadyExists</Code>"
      "<Message>The specified blob already exists.\nRequestId:1\nTime:2026</Message></Error>");
  EXPECT_EQ(error.code, "BlobAlreadyExists");
  EXPECT_EQ(error.message, "The specified blob already exists.");
  EXPECT_EQ(ParseAzureErrorXml("").code, "");
}

TEST(AzureXml, UnescapesEntitiesAndCharacterReferences) {
  EXPECT_EQ(XmlUnescape("a&lt;b&gt;&quot;&apos;&#65;&#x263A;&unknown;"), "a<b>\"'A\xE2\x98\xBA&unknown;");
}

// Found by tests/fuzz/azure_xml_fuzz.cc: a size of -1 (or "12abc") was taken as a
// byte count, and an empty <Name> as a blob.
TEST(AzureXml, ContentLengthThatIsNotAByteCountIsCorruption) {
  for (const char* length : {"-1", "12abc", "", "99999999999999999999"}) {
    auto page = ParseBlobListXml(std::string("<Blobs><Blob><Name>x</Name><Properties><Content-Length>") + length +
                                 "</Content-Length></Properties></Blob></Blobs>");
    ASSERT_FALSE(page) << length;
    EXPECT_EQ(page.error().code(), ErrorCode::kCorruption) << length;
  }
}

TEST(AzureXml, BlobWithEmptyNameIsCorruption) {
  auto page = ParseBlobListXml(
      "<Blobs><Blob><Name></Name><Properties><Content-Length>1</Content-Length></Properties></Blob></Blobs>");
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().code(), ErrorCode::kCorruption);
}

// Found by tests/fuzz/azure_xml_fuzz.cc: "&#0;", "&#xD800;" and "&#x7FFFFFFF;" became
// bytes that are not UTF-8 (or a NUL) in a blob name.
TEST(AzureXml, ReferenceToACharacterXmlCannotHoldStaysAsWritten) {
  EXPECT_EQ(XmlUnescape("a&#0;b&#xD800;c&#x110000;d&#x7FFFFFFF;e"), "a&#0;b&#xD800;c&#x110000;d&#x7FFFFFFF;e");
  EXPECT_EQ(XmlUnescape("&#x10FFFF;&#xD7FF;&#xE000;"), "\xF4\x8F\xBF\xBF\xED\x9F\xBF\xEE\x80\x80");
}

}  // namespace
}  // namespace jsm::storage
