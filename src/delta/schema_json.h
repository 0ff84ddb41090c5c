#pragma once
/// Helpers of Delta's schema serialization shared inside the delta module.

#include <string>

#include "common/record_batch.h"

namespace jsm::delta {

/// Delta's name of a field's type: "long", "decimal(18,2)", ...
std::string DeltaTypeName(const Field& field);

}  // namespace jsm::delta
