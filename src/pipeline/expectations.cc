#include "pipeline/expectations.h"

namespace jsm::pipeline {

const char* ExpectationActionName(ExpectationAction action) {
  switch (action) {
    case ExpectationAction::kWarn: return "warn";
    case ExpectationAction::kDrop: return "drop";
    case ExpectationAction::kFail: return "fail";
  }
  return "?";
}

std::vector<ExpectationSpec> DefaultExpectationSpecs() {
  return {
      {"transaction_no_pattern", "transaction_no matches '^C?[0-9]+$'", "drop", "defaults"},
      {"quantity_non_zero", "quantity != 0", "drop", "defaults"},
      {"quantity_sign_matches_cancellation",
       "(quantity >= 0 or is_cancellation) and (quantity <= 0 or not is_cancellation)", "drop", "defaults"},
      {"price_positive", "unit_price > 0", "drop", "defaults"},
      {"price_below_maximum", "unit_price < 100000", "drop", "defaults"},
      {"product_no_pattern", "product_no matches '^[0-9]{5}[A-Z]?$'", "drop", "defaults"},
      {"order_date_in_window", "order_date between '2000-01-01' and '2099-12-31'", "drop", "defaults"},
      {"customer_no_format", "customer_no is null or customer_no matches '^[0-9]{5}$'", "drop", "defaults"},
      {"known_country", "country_code is not null", "warn", "defaults"},
      {"customer_present", "customer_no is not null", "warn", "defaults"},
  };
}

Result<std::vector<Expectation>> CompileExpectations(const std::vector<ExpectationSpec>& specs, const Schema& schema) {
  if (specs.size() > 32) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::to_string(specs.size()) + " expectations declared; at most 32 are supported");
  }
  std::vector<Expectation> out;
  for (const ExpectationSpec& spec : specs) {
    const std::string where = (spec.where.empty() ? std::string() : spec.where + ": ") + "expectation '" +
                              spec.name + "'";
    if (spec.name.empty()) return MakeError(ErrorCode::kInvalidArgument, where + ": needs a name");
    for (const Expectation& earlier : out) {
      if (earlier.name == spec.name) return MakeError(ErrorCode::kInvalidArgument, where + ": declared twice");
    }
    Expectation expectation;
    expectation.name = spec.name;
    if (spec.action == "warn") expectation.action = ExpectationAction::kWarn;
    else if (spec.action == "drop") expectation.action = ExpectationAction::kDrop;
    else if (spec.action == "fail") expectation.action = ExpectationAction::kFail;
    else
      return MakeError(ErrorCode::kInvalidArgument,
                       where + ": action must be warn, drop or fail, not '" + spec.action + "'");
    auto rule = ParseRule(spec.rule, schema);
    if (!rule) return MakeError(ErrorCode::kInvalidArgument, where + ": rule " + rule.error().message());
    expectation.rule = std::move(*rule);
    out.push_back(std::move(expectation));
  }
  return out;
}

void CheckExpectations(const std::vector<Expectation>& expectations, const RecordBatch& batch,
                       ExpectationOutcome* outcome) {
  const size_t rows = batch.num_rows();
  outcome->keep.assign(rows, 1);
  outcome->broken.assign(rows, 0);
  outcome->failed.assign(expectations.size(), 0);
  outcome->fail_expectation = -1;
  std::vector<uint8_t> pass;
  for (size_t e = 0; e < expectations.size(); ++e) {
    const Expectation& expectation = expectations[e];
    EvaluateRule(expectation.rule, batch, &pass);
    for (size_t r = 0; r < rows; ++r) {
      if (pass[r]) continue;
      outcome->failed[e]++;
      outcome->broken[r] |= 1u << e;
      if (expectation.action == ExpectationAction::kDrop) outcome->keep[r] = 0;
      if (expectation.action == ExpectationAction::kFail && outcome->fail_expectation < 0) {
        outcome->fail_expectation = static_cast<int>(e);
        outcome->fail_row = r;
      }
    }
  }
}

std::string BrokenExpectationNames(const std::vector<Expectation>& expectations, uint32_t mask) {
  std::string names;
  for (size_t e = 0; e < expectations.size(); ++e) {
    if ((mask >> e) & 1) names += (names.empty() ? "" : ",") + expectations[e].name;
  }
  return names;
}

}  // namespace jsm::pipeline
