// ParseOrderDate over the built-in date formats (config/normalization/date_formats.txt:
// M/D/YYYY, then ISO 8601 with an optional time). The parser uses the formats of
// the tables it was given; this function serves callers without tables.

#include "model/normalization_tables.h"
#include "model/order_parser.h"

namespace jsm::model {

bool ParseOrderDate(std::string_view text, int32_t* days) {
  return DefaultNormalizationTables()->date_formats.ToDays(text, days);
}

}  // namespace jsm::model
