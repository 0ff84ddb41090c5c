#pragma once
/// Declared data-quality expectations of silver (Delta Live Tables style): each
/// has a name, a rule (see rule.h) and an action — warn (row kept, failure
/// counted), drop (row goes to silver/pedidos_quarantine with the names of the
/// rules it broke) or fail (the batch is not committed and the stage stops).

#include <cstdint>
#include <string>
#include <vector>

#include "common/record_batch.h"
#include "common/status.h"
#include "pipeline/rule.h"

namespace jsm::pipeline {

/// What happens to a row that breaks an expectation.
enum class ExpectationAction { kWarn, kDrop, kFail };

/// "warn", "drop" or "fail".
const char* ExpectationActionName(ExpectationAction action);

/// An expectation as declared (in a config file or the defaults), not yet compiled.
struct ExpectationSpec {
  std::string name;
  std::string rule;
  std::string action = "drop";
  std::string where;  ///< where it was declared, for messages: "pipeline.toml:42:8"
};

/// The default expectations of silver/pedidos (documented in docs/expectations.md).
std::vector<ExpectationSpec> DefaultExpectationSpecs();

/// A compiled expectation.
struct Expectation {
  std::string name;
  ExpectationAction action = ExpectationAction::kDrop;
  Rule rule;
};

/// Parses every spec's rule against `schema`; errors say where the spec was
/// declared, its name and the position in the rule.
Result<std::vector<Expectation>> CompileExpectations(const std::vector<ExpectationSpec>& specs, const Schema& schema);

/// The result of checking one batch.
struct ExpectationOutcome {
  std::vector<uint8_t> keep;          ///< per row: 1 unless a drop expectation failed
  std::vector<uint32_t> broken;       ///< per row: bitmask of the expectations it broke (up to 32)
  std::vector<int64_t> failed;        ///< per expectation: rows that broke it
  int fail_expectation = -1;          ///< index of a `fail` expectation that some row broke, else -1
  size_t fail_row = 0;                ///< the first such row
};

/// Evaluates every expectation over `batch` (column by column).
void CheckExpectations(const std::vector<Expectation>& expectations, const RecordBatch& batch,
                       ExpectationOutcome* outcome);

/// Comma-separated names of the expectations in `mask`.
std::string BrokenExpectationNames(const std::vector<Expectation>& expectations, uint32_t mask);

}  // namespace jsm::pipeline
