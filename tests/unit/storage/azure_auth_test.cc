// Shared Key canonicalization checked against the documented rules with a fixed date
// ("Authorize with Shared Key", Blob service, version 2015-02-21 and later).
#include "storage/azure_auth.h"

#include <gtest/gtest.h>

#include "storage/azure_credentials.h"

namespace jsm::storage {
namespace {

TEST(SharedKey, PutBlobStringToSignHasTheTwelveStandardLinesHeadersAndResource) {
  const std::vector<HttpField> headers = {{"x-ms-blob-type", "BlockBlob"},
                                          {"Content-Type", "application/octet-stream"},
                                          {"If-None-Match", "*"},
                                          {"x-ms-version", "2021-12-02"},
                                          {"X-MS-Date", "Sat, 28 Nov 2026 03:10:20 GMT"}};
  const std::vector<HttpField> query;
  const SignedRequest request{"PUT", "/devstoreaccount1/lake/a%20b/c.json", &query, &headers, 5};
  EXPECT_EQ(SharedKeyStringToSign("devstoreaccount1", request),
            "PUT\n"
            "\n"                          // Content-Encoding
            "\n"                          // Content-Language
            "5\n"                         // Content-Length
            "\n"                          // Content-MD5
            "application/octet-stream\n"  // Content-Type
            "\n"                          // Date (x-ms-date is used instead)
            "\n"                          // If-Modified-Since
            "\n"                          // If-Match
            "*\n"                         // If-None-Match
            "\n"                          // If-Unmodified-Since
            "\n"                          // Range
            "x-ms-blob-type:BlockBlob\n"  // x-ms- headers, lowercased and sorted
            "x-ms-date:Sat, 28 Nov 2026 03:10:20 GMT\n"
            "x-ms-version:2021-12-02\n"
            "/devstoreaccount1/devstoreaccount1/lake/a%20b/c.json");  // account + encoded path
}

TEST(SharedKey, ZeroLengthSignsAsEmptyAndQueryParametersAreSortedLowercasedAndJoined) {
  const std::vector<HttpField> headers = {{"x-ms-date", "Sat, 28 Nov 2026 03:10:20 GMT"},
                                          {"x-ms-version", "2021-12-02"},
                                          {"x-ms-meta-Note", "  two   words  "}};
  const std::vector<HttpField> query = {{"restype", "container"},
                                        {"comp", "list"},
                                        {"Prefix", "a b/c=d"},
                                        {"include", "metadata"},
                                        {"include", "deleted"}};
  const SignedRequest request{"GET", "/lake", &query, &headers, 0};
  EXPECT_EQ(SharedKeyStringToSign("jsmdata", request),
            "GET\n\n\n\n\n\n\n\n\n\n\n\n"
            "x-ms-date:Sat, 28 Nov 2026 03:10:20 GMT\n"
            "x-ms-meta-note:two words\n"
            "x-ms-version:2021-12-02\n"
            "/jsmdata/lake\n"
            "comp:list\n"
            "include:deleted,metadata\n"
            "prefix:a b/c=d\n"
            "restype:container");
}

TEST(SharedKey, SignatureIsBase64HmacSha256WithTheDecodedKey) {
  // RFC 4231 test case 2: key "Jefe" (base64 SmVmZQ==).
  auto signature = SharedKeySignature("SmVmZQ==", "what do ya want for nothing?");
  ASSERT_TRUE(signature) << signature.error().ToString();
  EXPECT_EQ(*signature, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
}

TEST(SharedKey, SignatureOfTheFixedPutWithTheDevelopmentKey) {
  const std::string string_to_sign =
      "PUT\n\n\n5\n\napplication/octet-stream\n\n\n\n*\n\n\nx-ms-blob-type:BlockBlob\n"
      "x-ms-date:Sat, 28 Nov 2026 03:10:20 GMT\nx-ms-version:2021-12-02\n"
      "/devstoreaccount1/devstoreaccount1/lake/a%20b/c.json";
  auto signature = SharedKeySignature(kDevelopmentAccountKey, string_to_sign);
  ASSERT_TRUE(signature);
  EXPECT_EQ(*signature, "5hYDXsOaUNN1JVtFLf0bnk3VRpso7AI7vCqkvy4OF7k=");
}

TEST(SharedKey, KeyThatIsNotBase64IsAnErrorWithoutTheKey) {
  auto signature = SharedKeySignature("not base64!", "x");
  ASSERT_FALSE(signature);
  EXPECT_EQ(signature.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(signature.error().message().find("not base64!"), std::string::npos);
}

}  // namespace
}  // namespace jsm::storage
