#pragma once
/// The two XML bodies the Blob service answers that we read: a List Blobs page
/// (EnumerationResults) and an error (<Error><Code/><Message/></Error>).

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/object_store.h"

namespace jsm::storage {

/// One page of List Blobs: blobs (path = full blob name) and the marker of the next page ("" at the end).
struct BlobListPage {
  std::vector<ObjectInfo> blobs;
  std::string next_marker;
};

/// Parses a List Blobs response. Directory placeholders of hierarchical-namespace accounts
/// (metadata hdi_isfolder=true) are left out. kCorruption when a blob lacks a name or size.
Result<BlobListPage> ParseBlobListXml(std::string_view xml);

/// The Azure error code and message of an error body; empty strings when the body has none.
struct AzureErrorBody {
  std::string code;
  std::string message;
};

/// Reads <Code> and <Message> of an error body (never fails; a body that is not XML gives empties).
AzureErrorBody ParseAzureErrorXml(std::string_view xml);

/// Replaces the five predefined XML entities and numeric character references.
std::string XmlUnescape(std::string_view text);

}  // namespace jsm::storage
