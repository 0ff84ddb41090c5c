// CsvOrderSource: the CSV export format of the real order data. Reads the file
// in large blocks and splits lines with memchr; fields are assigned into the
// caller's reused strings, so a warmed-up read allocates nothing per row.
// Empty lines are skipped. A quoted field may span lines (RFC 4180). A header
// with a ninth column `Currency` (docs/normalization.md) adds an optional ISO
// 4217 code per line; empty = none (GBP).

#include <cerrno>
#include <cstring>
#include <string>

#include "model/order_source.h"

namespace jsm::model {
namespace {

constexpr std::string_view kHeader =
    "TransactionNo,Date,ProductNo,ProductName,Price,Quantity,CustomerNo,Country";
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr size_t kBlockBytes = 1 << 20;
constexpr std::string_view kCurrencyColumn = ",Currency";
constexpr size_t kFieldCount = 9;  ///< with the optional Currency

}  // namespace

Result<std::unique_ptr<CsvOrderSource>> CsvOrderSource::Open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    const int err = errno;
    return MakeError(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIoError,
                     "cannot open '" + path + "': " + std::strerror(err));
  }
  std::setvbuf(file, nullptr, _IONBF, 0);  // we read in our own large blocks
  std::unique_ptr<CsvOrderSource> source(new CsvOrderSource(path, file));
  std::string_view header;
  bool had_cr;
  if (!source->ReadLine(&header, &had_cr)) {
    if (!source->status_) return std::unexpected(source->status_.error());
    return MakeError(ErrorCode::kInvalidArgument, "'" + path + "' is empty: no CSV header");
  }
  if (header.starts_with(kUtf8Bom)) header.remove_prefix(kUtf8Bom.size());
  if (header.starts_with(kHeader) && header.substr(kHeader.size()) == kCurrencyColumn) {
    source->fields_ = kFieldCount;
  } else if (header != kHeader) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + path + "' line 1: header is '" + std::string(header) +
                                                      "', expected '" + std::string(kHeader) + "' (optionally + '" +
                                                      std::string(kCurrencyColumn) + "')");
  }
  return source;
}

CsvOrderSource::~CsvOrderSource() {
  if (file_ != nullptr) std::fclose(file_);
}

std::string CsvOrderSource::Where() const { return "'" + path_ + "' line " + std::to_string(record_line_); }

void CsvOrderSource::Fail(int64_t line, std::string_view message) {
  status_ = MakeError(ErrorCode::kInvalidArgument,
                      "'" + path_ + "' line " + std::to_string(line) + ": " + std::string(message));
  failed_ = true;
}

bool CsvOrderSource::Refill() {
  const size_t tail = end_ - begin_;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, tail);
    begin_ = 0;
    end_ = tail;
  }
  if (buffer_.empty()) {
    buffer_.resize(kBlockBytes);
  } else if (end_ == buffer_.size()) {
    buffer_.resize(buffer_.size() * 2);  // a line longer than the buffer
  }
  const size_t got = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
  end_ += got;
  if (got == 0) {
    if (std::ferror(file_)) {
      status_ = MakeError(ErrorCode::kIoError, "reading '" + path_ + "' after line " +
                                                   std::to_string(line_number_) + " failed");
      failed_ = true;
      return false;
    }
    eof_ = true;
  }
  return true;
}

bool CsvOrderSource::ReadLine(std::string_view* line, bool* had_cr) {
  while (true) {
    const char* start = buffer_.data() + begin_;
    const size_t available = end_ - begin_;
    if (const void* newline = std::memchr(start, '\n', available)) {
      const size_t length = static_cast<const char*>(newline) - start;
      *line = std::string_view(start, length);
      begin_ += length + 1;
      break;
    }
    if (eof_) {
      if (available == 0) return false;
      *line = std::string_view(start, available);
      begin_ = end_;
      break;
    }
    if (!Refill()) return false;
  }
  ++line_number_;
  *had_cr = !line->empty() && line->back() == '\r';
  if (*had_cr) line->remove_suffix(1);
  return true;
}

bool CsvOrderSource::Next(OrderRecord* record) {
  if (failed_) return false;
  std::string* const fields[kFieldCount] = {
      &record->transaction_no, &record->date,     &record->product_no,  &record->product,
      &record->price,          &record->quantity, &record->customer_no, &record->country,
      &record->currency,
  };
  if (fields_ < kFieldCount) record->currency.clear();
  std::string_view line;
  bool had_cr = false;
  do {
    if (!ReadLine(&line, &had_cr)) return false;
  } while (line.empty());
  const int64_t record_line = line_number_;
  record_line_ = record_line;

  size_t count = 0;
  size_t pos = 0;
  while (true) {
    std::string* field = count < fields_ ? fields[count] : &extra_field_;
    ++count;
    if (pos < line.size() && line[pos] == '"') {
      field->clear();
      ++pos;
      while (true) {
        const size_t quote = line.find('"', pos);
        if (quote == std::string_view::npos) {  // the quoted field goes on on the next line
          field->append(line.substr(pos));
          field->append(had_cr ? "\r\n" : "\n");
          if (!ReadLine(&line, &had_cr)) {
            if (!failed_) Fail(record_line, "quoted field not closed before the end of the file");
            return false;
          }
          pos = 0;
          continue;
        }
        field->append(line.substr(pos, quote - pos));
        if (quote + 1 < line.size() && line[quote + 1] == '"') {
          field->push_back('"');
          pos = quote + 2;
          continue;
        }
        pos = quote + 1;
        break;
      }
      if (pos == line.size()) break;
      if (line[pos] != ',') {
        Fail(line_number_, "unexpected character after a closing quote");
        return false;
      }
      ++pos;
    } else {
      const size_t comma = line.find(',', pos);
      if (comma == std::string_view::npos) {
        field->assign(line.substr(pos));
        break;
      }
      field->assign(line.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }
  if (count != fields_) {
    Fail(record_line, "expected " + std::to_string(fields_) + " fields, found " + std::to_string(count));
    return false;
  }
  return true;
}

}  // namespace jsm::model
