// libFuzzer target for the Azure Blob service's XML bodies (storage/azure_xml.h):
// any body must parse as a List Blobs page or be a corruption error, and any
// body gives an error code and message (possibly empty), never a crash, a hang
// or a sanitizer report. Unescaping never makes text longer than the input's
// numeric references allow (at most 4 bytes of UTF-8 for each reference).
// Seeds: corpus/azure_xml/, keywords: azure_xml.dict.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "storage/azure_xml.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto page = jsm::storage::ParseBlobListXml(xml);
  if (page) {
    for (const jsm::storage::ObjectInfo& blob : page->blobs) {
      Require(!blob.path.empty() && blob.path.size() <= xml.size());
      Require(blob.size >= 0);
    }
    Require(page->next_marker.size() <= xml.size());
  } else {
    Require(page.error().code() == jsm::ErrorCode::kCorruption);
  }
  const jsm::storage::AzureErrorBody error = jsm::storage::ParseAzureErrorXml(xml);
  Require(error.code.size() <= xml.size() && error.message.size() <= xml.size());
  // "&#1;" is the shortest reference, 4 bytes, and becomes at most 4 bytes.
  Require(jsm::storage::XmlUnescape(xml).size() <= xml.size());
  return 0;
}
