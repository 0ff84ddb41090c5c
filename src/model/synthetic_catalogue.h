#pragma once
/// The fixed world the synthetic order generator draws from: a product catalogue,
/// the customers and the country mix of the real data. The same for every seed,
/// so products keep their names and prices and customers their country.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace jsm::model {

/// A product of the synthetic catalogue.
struct CatalogueProduct {
  std::string product_no;  ///< five digits and an optional capital letter
  std::string name;
  std::string price;       ///< "12.86"
  int64_t price_cents = 0;
};

/// The catalogue: a few thousand products, most popular first.
std::span<const CatalogueProduct> ProductCatalogue();

/// Customer numbers run from kFirstCustomerNo to kLastCustomerNo.
constexpr int kFirstCustomerNo = 12346;
constexpr int kLastCustomerNo = 18287;

/// The country a customer orders from: every country of the real data has at
/// least one customer, and the line shares follow the real file.
std::string_view CountryOfCustomer(int customer_no);

/// A country drawn by the real line shares, for `unit` uniform in [0, 1).
std::string_view CountryForDraw(double unit);

/// The 38 country names of the real data, by descending share.
std::span<const std::string_view> RealDataCountries();

/// SplitMix64: a fixed, portable hash of `x` (used to derive stable attributes).
constexpr uint64_t SplitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// Uniform double in [0, 1) from 64 random bits (portable, unlike std distributions).
constexpr double UnitInterval(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

/// Uniform integer in [0, n) from 64 random bits.
constexpr uint64_t Below(uint64_t bits, uint64_t n) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(bits) * n) >> 64);
}

}  // namespace jsm::model
