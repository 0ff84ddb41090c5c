#include "pipeline/table_schemas.h"

namespace jsm::pipeline {
namespace {

Field Money(const char* name, bool nullable = false) {
  return Field{name, DataType::kDecimal, nullable, kMoneyPrecision, kMoneyScale};
}
Field GoldMoney(const char* name, bool nullable = false) {
  return Field{name, DataType::kDecimal128, nullable, kGoldMoneyPrecision, kMoneyScale};
}
Field Col(const char* name, DataType type, bool nullable = false) { return Field{name, type, nullable}; }

}  // namespace

const Schema& BronzeSchema() {
  static const Schema schema{{
      Col("value", DataType::kString, true),
      Col("key", DataType::kString, true),
      Col("topic", DataType::kString),
      Col("partition", DataType::kInt32),
      Col("offset", DataType::kInt64),
      Col("kafka_timestamp", DataType::kTimestamp, true),
      Col("ingested_at", DataType::kTimestamp),
      // Added by schema evolution (bronze_table.h): nullable, appended.
      Col("headers", DataType::kString, true),
      // The bytes of a value / key that is not valid UTF-8 (then `value` / `key` is null): docs/tables.md.
      Col("value_raw", DataType::kBinary, true),
      Col("key_raw", DataType::kBinary, true),
  }};
  return schema;
}

std::vector<Field> BronzeLaterColumns() {
  const Schema& schema = BronzeSchema();
  return {schema.fields.begin() + kBronzeHeaders, schema.fields.end()};
}

const Schema& SilverSchema() {
  static const Schema schema{{
      Col("transaction_no", DataType::kString),
      Col("is_cancellation", DataType::kBoolean),
      Col("order_date", DataType::kDate),
      Col("product_no", DataType::kString),
      Col("product_name", DataType::kString),
      Money("unit_price"),
      Col("quantity", DataType::kInt32),
      Money("line_total"),
      Col("customer_no", DataType::kString, true),
      Col("country", DataType::kString, true),
      Col("country_code", DataType::kString, true),
      Col("_topic", DataType::kString),
      Col("_partition", DataType::kInt32),
      Col("_offset", DataType::kInt64),
      Col("_ingested_at", DataType::kTimestamp),
      Col("_record_id", DataType::kString),
      // Added by schema evolution (docs/normalization.md): nullable, appended.
      Col("currency", DataType::kString, true),
      Money("original_unit_price", true),
      Col("product_name_raw", DataType::kString, true),
  }};
  return schema;
}

std::vector<Field> SilverNormalizationColumns() {
  const Schema& schema = SilverSchema();
  return {schema.fields.begin() + kSilverCurrency, schema.fields.end()};
}

const Schema& QuarantineSchema() {
  static const Schema schema{{
      Col("value", DataType::kString, true),
      Col("broken_rules", DataType::kString),
      Col("transaction_no", DataType::kString, true),
      Col("order_date", DataType::kDate, true),
      Col("product_no", DataType::kString, true),
      Money("unit_price", true),
      Col("quantity", DataType::kInt32, true),
      Col("_topic", DataType::kString),
      Col("_partition", DataType::kInt32),
      Col("_offset", DataType::kInt64),
      Col("_ingested_at", DataType::kTimestamp),
  }};
  return schema;
}

const Schema& DailySalesSchema() {
  static const Schema schema{{
      Col("order_date", DataType::kDate),
      Col("country", DataType::kString, true),
      Col("transactions", DataType::kInt64),
      Col("lines", DataType::kInt64),
      Col("units", DataType::kInt64),
      GoldMoney("gross_revenue"),
      GoldMoney("cancelled_revenue"),
      GoldMoney("net_revenue"),
      Col("customers", DataType::kInt64),
  }};
  return schema;
}

const Schema& ProductPerformanceSchema() {
  static const Schema schema{{
      Col("product_no", DataType::kString),
      Col("product_name", DataType::kString),
      Col("transactions", DataType::kInt64),
      Col("units_sold", DataType::kInt64),
      Col("units_cancelled", DataType::kInt64),
      GoldMoney("gross_revenue"),
      GoldMoney("cancelled_revenue"),
      GoldMoney("net_revenue"),
      Col("cancellation_lines", DataType::kInt64),
      Col("revenue_rank", DataType::kInt64),
      Col("cancellations", DataType::kInt64),
      Col("cancellation_rate", DataType::kDouble),
  }};
  return schema;
}

const Schema& CountrySummarySchema() {
  static const Schema schema{{
      Col("country", DataType::kString, true),
      Col("country_code", DataType::kString, true),
      Col("transactions", DataType::kInt64),
      Col("customers", DataType::kInt64),
      Col("lines", DataType::kInt64),
      Col("units", DataType::kInt64),
      GoldMoney("gross_revenue"),
      GoldMoney("cancelled_revenue"),
      GoldMoney("net_revenue"),
      Col("first_order_date", DataType::kDate),
      Col("last_order_date", DataType::kDate),
  }};
  return schema;
}

const Schema& CustomerRfmSchema() {
  static const Schema schema{{
      Col("customer_no", DataType::kString),
      Col("first_order_date", DataType::kDate),
      Col("last_order_date", DataType::kDate),
      Col("reference_date", DataType::kDate),
      Col("recency_days", DataType::kInt32),
      Col("frequency", DataType::kInt64),
      GoldMoney("monetary"),
      Col("r_score", DataType::kInt32),
      Col("f_score", DataType::kInt32),
      Col("m_score", DataType::kInt32),
      Col("rfm_score", DataType::kInt32),
      Col("segment", DataType::kString),
  }};
  return schema;
}

const Schema& MonthlyKpisSchema() {
  static const Schema schema{{
      Col("month", DataType::kDate),
      Col("orders", DataType::kInt64),
      Col("lines", DataType::kInt64),
      Col("units", DataType::kInt64),
      GoldMoney("gross_revenue"),
      GoldMoney("cancelled_revenue"),
      GoldMoney("net_revenue"),
      GoldMoney("average_order_value", true),
      Col("customers", DataType::kInt64),
      Col("new_customers", DataType::kInt64),
      Col("returning_customers", DataType::kInt64),
      Col("cancellations", DataType::kInt64),
      Col("cancellation_lines", DataType::kInt64),
      Col("cancellation_rate", DataType::kDouble),
  }};
  return schema;
}

}  // namespace jsm::pipeline
