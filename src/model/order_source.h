#pragma once
/// Sources of order records: the CSV export format of the real data, and a
/// deterministic synthetic generator shaped like it.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"
#include "model/order_record.h"

namespace jsm::model {

/// A stream of order records.
class OrderSource {
 public:
  virtual ~OrderSource() = default;
  /// Fills `record` with the next order; false at the end. Errors (a malformed
  /// CSV line) are reported through `status()` after Next returns false.
  virtual bool Next(OrderRecord* record) = 0;
  virtual Status status() const { return Status::Ok(); }
  /// Total records if known in advance, else -1.
  virtual int64_t size_hint() const { return -1; }
  /// Where the record Next returned last came from, for messages ("'orders.csv' line 7");
  /// empty for a source without lines.
  virtual std::string Where() const { return {}; }
};

/// Reads `TransactionNo,Date,ProductNo,ProductName,Price,Quantity,CustomerNo,Country`
/// CSV (RFC 4180 quoting, CRLF or LF line ends, header required), optionally
/// with a ninth column `Currency` (ISO 4217; an empty field means none).
class CsvOrderSource : public OrderSource {
 public:
  /// Opens the file and checks its header; kNotFound / kInvalidArgument otherwise.
  static Result<std::unique_ptr<CsvOrderSource>> Open(const std::string& path);
  ~CsvOrderSource() override;
  bool Next(OrderRecord* record) override;
  Status status() const override { return status_; }
  /// "'PATH' line N", N the physical line where the last record starts.
  std::string Where() const override;

 private:
  CsvOrderSource(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  /// Next physical line without its '\n' (and '\r', noted in `*had_cr`); the view
  /// lives until the next call. False at the end of the file or on a read error.
  bool ReadLine(std::string_view* line, bool* had_cr);
  /// Reads more of the file into `buffer_`, keeping the unread tail.
  bool Refill();
  /// Sets status_ to an invalid-argument error naming the file and `line`.
  void Fail(int64_t line, std::string_view message);

  std::string path_;
  std::FILE* file_;
  int64_t line_number_ = 0;  ///< physical lines read so far
  int64_t record_line_ = 0;  ///< the line where the last record returned starts
  std::string buffer_;       ///< block read from the file
  size_t begin_ = 0;         ///< unread part of buffer_ is [begin_, end_)
  size_t end_ = 0;
  bool eof_ = false;
  bool failed_ = false;
  std::string extra_field_;  ///< sink for fields beyond the last
  size_t fields_ = 8;        ///< 9 when the header has the optional Currency column
  Status status_;
};

/// Generates `count` orders shaped like the real data (code formats, country mix,
/// ~1.6 % cancellation lines, ~1 % exact repeats, some unknown customers),
/// identical for the same seed.
class SyntheticOrderSource : public OrderSource {
 public:
  SyntheticOrderSource(int64_t count, uint64_t seed);
  bool Next(OrderRecord* record) override;
  int64_t size_hint() const override { return count_; }

 private:
  void NewTransaction();
  /// Fills `record` with a new line of the current transaction.
  void NewLine(OrderRecord* record);

  int64_t count_;
  int64_t produced_ = 0;
  std::mt19937_64 rng_;
  OrderRecord previous_;
  // Current transaction being emitted line by line.
  std::string transaction_no_;
  std::string date_;
  std::string customer_no_;
  std::string country_;
  bool cancellation_ = false;
  int lines_left_ = 0;
  int64_t next_transaction_ = 536365;  ///< six digits; wraps to 100000 after 999999
  int32_t day_ = 0;
};

}  // namespace jsm::model
