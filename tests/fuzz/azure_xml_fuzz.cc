// libFuzzer target for the Azure Blob service's XML bodies (storage/azure_xml.h):
// any body must parse as a List Blobs page or be a corruption error, and any
// body gives an error code and message (possibly empty), never a crash, a hang
// or a sanitizer report. Listed blobs have a name and a byte count; unescaping
// never makes text longer, and keeps valid UTF-8 valid (a reference to a
// character XML cannot hold stays as written).
// Seeds: corpus/azure_xml/, keywords: azure_xml.dict.

#include <simdjson.h>

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
  const std::string unescaped = jsm::storage::XmlUnescape(xml);
  Require(unescaped.size() <= xml.size());
  if (simdjson::validate_utf8(xml.data(), xml.size())) {
    Require(simdjson::validate_utf8(unescaped.data(), unescaped.size()));
  }
  return 0;
}
