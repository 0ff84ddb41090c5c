#pragma once
/// Random (version 4) UUIDs for table ids and data file names.

#include <string>

namespace jsm::delta {

/// A new random UUID, lowercase hex with dashes: "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
std::string NewUuidV4();

}  // namespace jsm::delta
