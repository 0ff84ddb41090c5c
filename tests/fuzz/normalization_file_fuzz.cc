// libFuzzer target for the normalization data files (model/normalization_file.h
// and the tables read from them: countries, date formats, currency rates,
// product-name overrides and typo fixes). Any text must load as a table or be
// an error "SOURCE:LINE: ...", never a crash, a hang or a sanitizer report; a
// table that loads answers lookups. The first byte's low three bits choose the
// file kind (0 the line splitter, its bit 3 a header and bits 4-5 the column
// count; 1 countries, 2 date formats, 3 currencies, 4 product names, cut at the
// first NUL into overrides and typo fixes; else one date pattern).
// Seeds: corpus/normalization_file/ (the shipped files), keywords:
// normalization_file.dict.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/country_table.h"
#include "model/currency_rates.h"
#include "model/date_formats.h"
#include "model/normalization_file.h"
#include "model/product_name_rules.h"

namespace {

void Require(bool ok) {
  if (!ok) std::abort();
}

/// The error of a table file names the source.
template <class T>
bool Loaded(const jsm::Result<T>& result, std::string_view source) {
  if (!result) Require(result.error().message().starts_with(source));
  return result.has_value();
}

/// Probes that every table kind is asked: some known, some odd.
constexpr std::string_view kProbes[] = {"United Kingdom", " uk ", "EIRE", "", "12/9/2019", "2019-12-09T08:26:00",
                                        "2/29/2021", "EUR", "USD", "gbp", "22485", "85123A", "set of 2 wooden crates",
                                        std::string_view("\xff\0x", 3)};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] & 7) {
    case 0: {
      auto lines = jsm::model::SplitDataLines("f.csv", text, (data[0] & 8) ? "alias,name,code" : "",
                                              1 + (data[0] >> 4) % 4);
      if (Loaded(lines, "f.csv")) {
        for (const jsm::model::DataLine& line : *lines) Require(line.line >= 1 && !line.fields.empty());
      }
      break;
    }
    case 1: {
      auto table = jsm::model::CountryTable::Parse("countries.csv", text);
      if (Loaded(table, "countries.csv")) {
        for (std::string_view probe : kProbes) {
          std::string_view name, code;
          (void)table->Lookup(probe, &name, &code);
        }
      }
      break;
    }
    case 2: {
      auto formats = jsm::model::DateFormats::Parse("date_formats.txt", text);
      if (Loaded(formats, "date_formats.txt")) {
        for (std::string_view probe : kProbes) {
          int32_t days = 0;
          (void)formats->ToDays(probe, &days);
        }
        // The input's own lines as dates, so matches are found too.
        int32_t days = 0;
        (void)formats->ToDays(text.substr(0, text.find('\n')), &days);
      }
      break;
    }
    case 3: {
      auto rates = jsm::model::CurrencyRates::Parse("currencies.csv", text);
      if (Loaded(rates, "currencies.csv")) {
        for (std::string_view probe : kProbes) {
          for (const int32_t day : {INT32_MIN, -1, 0, 18000, INT32_MAX}) {
            int64_t rate = 0;
            (void)rates->RateOn(probe.substr(0, 3), day, &rate);
          }
        }
      }
      break;
    }
    case 4: {
      const size_t nul = text.find('\0');
      std::string overrides = text.substr(0, nul);
      std::string typos = nul == std::string::npos ? std::string() : text.substr(nul + 1);
      auto rules = jsm::model::ProductNameRules::Parse("overrides.csv", std::move(overrides), "typos.csv",
                                                       std::move(typos));
      if (!rules) {
        const std::string& message = rules.error().message();
        Require(message.starts_with("overrides.csv") || message.starts_with("typos.csv"));
      } else {
        std::string scratch;
        for (std::string_view probe : kProbes) {
          (void)rules->Override(probe);
          (void)rules->FixTypos(probe, &scratch);
        }
      }
      break;
    }
    default: {
      auto formats = jsm::model::DateFormats::FromPatterns({text});
      if (formats) {
        int32_t days = 0;
        for (std::string_view probe : kProbes) (void)formats->ToDays(probe, &days);
      }
      break;
    }
  }
  return 0;
}
