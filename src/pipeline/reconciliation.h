#pragma once
/// The pipeline's books: every message in bronze is accounted for as a silver
/// row, a quarantined row, a dead letter or a removed duplicate, and gold's
/// money equals silver's.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "pipeline/gold_money.h"
#include "storage/object_store.h"

namespace jsm::pipeline {

/// Counts read back from the tables, and whether they balance.
struct Reconciliation {
  int64_t expected_bronze = -1;  ///< bronze rows expected by the caller, -1 = not checked
  int64_t bronze_rows = 0;
  int64_t refined_rows = 0;      ///< bronze rows the refine stage has consumed (Σ numInputRows)
  int64_t silver_rows = 0;
  int64_t quarantined_rows = 0;
  int64_t dead_letters = 0;      ///< Σ numDeadLetters of silver commits
  int64_t duplicates = 0;        ///< Σ numDuplicateRows of silver commits (silver's and quarantine's)
  int64_t quarantine_duplicates = 0;  ///< of `duplicates`: repeats of quarantined orders (Σ numQuarantineDuplicateRows)
  Cents silver_net_cents = 0;    ///< Σ line_total in silver, exact
  Cents gold_net_cents = 0;      ///< Σ net_revenue in gold/daily_sales, exact
  int64_t gold_lines = 0;        ///< Σ lines in gold/daily_sales
  int64_t silver_sale_lines = 0; ///< silver rows that are not cancellations
  int64_t erased_bronze = 0;     ///< bronze rows removed by jsm erase (Σ numErasedBronzeRows)
  int64_t erased_silver = 0;     ///< silver rows removed by jsm erase (Σ numDeletedRows)
  int64_t erased_quarantine = 0; ///< quarantine rows removed by jsm erase (Σ numErasedQuarantineRows)
  std::vector<std::string> problems;  ///< empty when everything balances

  bool balanced() const { return problems.empty(); }
};

/// Reads bronze, silver, quarantine and gold/daily_sales at their latest
/// versions and checks the books. `expected_bronze` < 0 skips the bronze count check.
Result<Reconciliation> Reconcile(storage::ObjectStore* store, int64_t expected_bronze = -1);

/// "12345.67" for an amount in cents.
std::string FormatCents(Cents cents);

}  // namespace jsm::pipeline
