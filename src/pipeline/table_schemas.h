#pragma once
/// Where each table of the lakehouse lives and what its columns are.

#include "common/record_batch.h"

namespace jsm::pipeline {

inline constexpr const char* kBronzeTable = "bronze/pedidos";
inline constexpr const char* kSilverTable = "silver/pedidos";
inline constexpr const char* kQuarantineTable = "silver/pedidos_quarantine";
inline constexpr const char* kDailySalesTable = "gold/daily_sales";
inline constexpr const char* kProductPerformanceTable = "gold/product_performance";
inline constexpr const char* kCountrySummaryTable = "gold/country_summary";
inline constexpr const char* kCustomerRfmTable = "gold/customer_rfm";
inline constexpr const char* kMonthlyKpisTable = "gold/monthly_kpis";

/// Money columns of silver and the quarantine: DECIMAL(18,2), GBP.
inline constexpr int kMoneyPrecision = 18;
inline constexpr int kMoneyScale = 2;
/// Money columns of gold (sums of silver's): DECIMAL(28,2), GBP, as Spark types
/// sum(DECIMAL(18,2)) (precision + 10); 128-bit (DataType::kDecimal128).
inline constexpr int kGoldMoneyPrecision = 28;

/// bronze/pedidos: the message exactly as received (value, key, headers) plus its Kafka coordinates.
const Schema& BronzeSchema();
/// The nullable columns bronze gained after its first release (headers, value_raw, key_raw): an
/// older bronze table gets them by schema evolution (OpenBronzeTable in bronze_table.h).
std::vector<Field> BronzeLaterColumns();
/// silver/pedidos: one clean, normalized, deduplicated order line.
const Schema& SilverSchema();
/// The nullable columns silver gained after its first release (currency,
/// original_unit_price, product_name_raw): an older silver table gets them by
/// schema evolution (OpenSilverTable in silver_table.h).
std::vector<Field> SilverNormalizationColumns();
/// silver/pedidos_quarantine: parsed lines that broke a quality rule, with the rules.
const Schema& QuarantineSchema();
/// gold/daily_sales: per order date and country.
const Schema& DailySalesSchema();
/// gold/product_performance: per product.
const Schema& ProductPerformanceSchema();
/// gold/country_summary: per country.
const Schema& CountrySummarySchema();
/// gold/customer_rfm: per customer, recency/frequency/monetary, quintile scores and segment.
const Schema& CustomerRfmSchema();
/// gold/monthly_kpis: per calendar month.
const Schema& MonthlyKpisSchema();

/// Column positions of the bronze schema.
enum BronzeColumn { kBronzeValue, kBronzeKey, kBronzeTopic, kBronzePartition, kBronzeOffset,
                    kBronzeKafkaTimestamp, kBronzeIngestedAt, kBronzeHeaders, kBronzeValueRaw, kBronzeKeyRaw };

/// Column positions of the silver schema.
enum SilverColumn { kSilverTransactionNo, kSilverIsCancellation, kSilverOrderDate, kSilverProductNo,
                    kSilverProductName, kSilverUnitPrice, kSilverQuantity, kSilverLineTotal,
                    kSilverCustomerNo, kSilverCountry, kSilverCountryCode, kSilverTopic,
                    kSilverPartition, kSilverOffset, kSilverIngestedAt, kSilverRecordId,
                    kSilverCurrency, kSilverOriginalUnitPrice, kSilverProductNameRaw };

}  // namespace jsm::pipeline
