#pragma once
/// Human descriptions of how two schemas differ, for errors when a table's schema
/// is not the one a writer expects.

#include <string>
#include <string_view>

#include "common/record_batch.h"

namespace jsm::delta {

/// "" if the schemas are equal; otherwise what differs, column by column, with
/// `actual` called `actual_label`, e.g. "column 'qty' is long in the table but
/// integer is expected; the table lacks column 'x' (string)".
std::string DescribeSchemaDifference(const Schema& actual, const Schema& expected,
                                     std::string_view actual_label = "the table");

}  // namespace jsm::delta
