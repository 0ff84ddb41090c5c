#include "model/synthetic_catalogue.h"

#include <array>
#include <cstdio>
#include <unordered_set>
#include <vector>

#include "common/check.h"

namespace jsm::model {
namespace {

constexpr size_t kProductCount = 3600;
constexpr uint64_t kCatalogueSeed = 0x4A534D2D43415431ull;  // "JSM-CAT1"
constexpr int64_t kMinPriceCents = 513;
constexpr int64_t kMaxPriceCents = 66062;

constexpr std::string_view kPrefixes[] = {"Set Of 2", "Set Of 3", "Set Of 6", "Pack Of 12", "Pack Of 72",
                                          "Jumbo",    "Mini",     "Large",    "Small",      "Assorted"};
constexpr std::string_view kThemes[] = {
    "Vintage", "Retrospot", "Regency",   "Pantry",     "Woodland",  "Christmas", "Paisley",  "Polkadot",
    "Spaceboy", "Dolly Girl", "Hanging", "Heart",      "Rose",      "Botanical", "Union Jack", "Swirly",
    "Scandinavian", "Fairy Cake", "Bird", "Owl",       "Skull",     "Strawberry", "Feltcraft", "Glass",
    "Enamel",  "Zinc",      "Wooden",    "Ceramic",    "Party",     "Alphabet",  "Doily",    "Gingham"};
constexpr std::string_view kColours[] = {"Red", "Pink", "Blue", "Green", "White", "Ivory",
                                         "Black", "Silver", "Gold", "Pastel", "Cream"};
constexpr std::string_view kNouns[] = {
    "Mug",          "Lunch Bag",    "Cake Tin",    "T-Light Holder", "Doormat",       "Jam Jar",
    "Tea Towel",    "Cushion Cover", "Photo Frame", "Candle",        "Bunting",       "Lantern",
    "Key Ring",     "Notebook",     "Bowl",        "Plate",          "Egg Cup",       "Alarm Clock",
    "Storage Box",  "Shopping Bag", "Water Bottle", "Garland",       "Sign",          "Greeting Card",
    "Gift Wrap",    "Paper Napkins", "Cutlery Set", "Hot Water Bottle", "Tissues",    "Pencils",
    "Cake Cases",   "Bell Decoration", "Wall Clock", "Jewellery Box", "Picnic Basket", "Coasters"};
/// Names with the characters that CSV and JSON must quote or escape.
constexpr std::string_view kSpecialNames[] = {
    "Record Frame 7\" Single Size", "Letter \"A\" Bling Key Ring", "Doormat Red, White And Blue",
    "Charlie+Lola\"Extremely Busy\" Sign", "Set/3 Decoupage Stacking Tins", "Gin + Tonic Diet Metal Sign"};

struct CountryShare {
  std::string_view name;
  int64_t lines;  ///< lines of the real data from this country
};

// Line counts of the real file, by country, descending.
constexpr CountryShare kCountryShares[] = {
    {"United Kingdom", 485095}, {"Germany", 10675},   {"France", 10526},
    {"EIRE", 8048},             {"Belgium", 2539},    {"Spain", 2430},
    {"Switzerland", 2336},      {"Netherlands", 2330}, {"Portugal", 1848},
    {"Australia", 1704},        {"Norway", 938},      {"Austria", 887},
    {"Iceland", 787},           {"Finland", 692},     {"Italy", 661},
    {"Channel Islands", 629},   {"Cyprus", 582},      {"Unspecified", 447},
    {"Sweden", 417},            {"Denmark", 416},     {"USA", 379},
    {"Japan", 371},             {"Israel", 358},      {"Singapore", 215},
    {"Poland", 174},            {"Hong Kong", 153},   {"Canada", 150},
    {"Malta", 149},             {"Greece", 67},       {"United Arab Emirates", 67},
    {"European Community", 58}, {"RSA", 57},          {"Lebanon", 45},
    {"Lithuania", 34},          {"Brazil", 31},       {"Czech Republic", 28},
    {"Bahrain", 17},            {"Saudi Arabia", 10},
};
constexpr size_t kCountryCount = std::size(kCountryShares);

constexpr auto kCountryNames = [] {
  std::array<std::string_view, kCountryCount> names{};
  for (size_t i = 0; i < kCountryCount; ++i) names[i] = kCountryShares[i].name;
  return names;
}();

constexpr int64_t kTotalLines = [] {
  int64_t total = 0;
  for (const auto& share : kCountryShares) total += share.lines;
  return total;
}();

/// Price in cents, mostly low: 75 % below 16.00, a long tail up to 660.62.
int64_t DrawPriceCents(uint64_t bits_a, uint64_t bits_b) {
  const double band = UnitInterval(bits_a);
  const auto in = [&](int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(bits_b, static_cast<uint64_t>(hi - lo + 1)));
  };
  if (band < 0.75) return in(kMinPriceCents, 1600);
  if (band < 0.95) return in(1601, 4000);
  if (band < 0.995) return in(4001, 15000);
  return in(15001, kMaxPriceCents);
}

std::vector<CatalogueProduct> BuildCatalogue() {
  std::vector<CatalogueProduct> products;
  products.reserve(kProductCount);
  std::unordered_set<std::string> codes;
  uint64_t state = kCatalogueSeed;
  auto next = [&state] { return SplitMix64(state++); };
  while (products.size() < kProductCount) {
    CatalogueProduct product;
    char code[8];
    const auto digits = 10000 + Below(next(), 90000);
    const bool lettered = UnitInterval(next()) < 0.12;
    const char letter = static_cast<char>('A' + Below(next(), 8));
    if (lettered) {
      std::snprintf(code, sizeof(code), "%05u%c", static_cast<unsigned>(digits), letter);
    } else {
      std::snprintf(code, sizeof(code), "%05u", static_cast<unsigned>(digits));
    }
    product.product_no = code;
    if (!codes.insert(product.product_no).second) continue;

    const size_t index = products.size();
    if (index % 600 == 17) {
      product.name = kSpecialNames[(index / 600) % std::size(kSpecialNames)];
    } else {
      if (UnitInterval(next()) < 0.3) {
        product.name.append(kPrefixes[Below(next(), std::size(kPrefixes))]).push_back(' ');
      }
      product.name.append(kThemes[Below(next(), std::size(kThemes))]).push_back(' ');
      if (UnitInterval(next()) < 0.5) {
        product.name.append(kColours[Below(next(), std::size(kColours))]).push_back(' ');
      }
      product.name.append(kNouns[Below(next(), std::size(kNouns))]);
    }
    const uint64_t band_bits = next();
    product.price_cents = DrawPriceCents(band_bits, next());
    products.push_back(std::move(product));
  }
  // The real data's price range, at its ends.
  products[5].price_cents = kMinPriceCents;
  products[kProductCount - 1].price_cents = kMaxPriceCents;
  for (auto& product : products) {
    char price[24];
    std::snprintf(price, sizeof(price), "%lld.%02lld", static_cast<long long>(product.price_cents / 100),
                  static_cast<long long>(product.price_cents % 100));
    product.price = price;
  }
  return products;
}

}  // namespace

std::span<const CatalogueProduct> ProductCatalogue() {
  static const std::vector<CatalogueProduct> catalogue = BuildCatalogue();
  return catalogue;
}

std::string_view CountryForDraw(double unit) {
  int64_t target = static_cast<int64_t>(unit * static_cast<double>(kTotalLines));
  for (const auto& share : kCountryShares) {
    if (target < share.lines) return share.name;
    target -= share.lines;
  }
  return kCountryShares[0].name;
}

std::string_view CountryOfCustomer(int customer_no) {
  JSM_CHECK_GE(customer_no, kFirstCustomerNo);
  JSM_CHECK_LE(customer_no, kLastCustomerNo);
  // The first customers cover every country but the United Kingdom once.
  const int offset = customer_no - kFirstCustomerNo;
  if (offset + 1 < static_cast<int>(kCountryCount)) return kCountryShares[offset + 1].name;
  return CountryForDraw(UnitInterval(SplitMix64(kCatalogueSeed ^ static_cast<uint64_t>(customer_no))));
}

std::span<const std::string_view> RealDataCountries() { return kCountryNames; }

}  // namespace jsm::model
