// A small benchmark tool for bench/parquet_vs_pyarrow.py: times our Parquet
// writer and reader on the data of a Parquet file (written by pyarrow), so both
// codecs are measured on the same rows in the same run.
//   parquet_tool roundtrip <input.parquet> <none|snappy|zstd> <repeat> [<foreign.parquet>]
//     reads <input> with our reader, then `repeat` times encodes it with our
//     writer (dictionary on, the given codec) and decodes our file; with
//     <foreign>, also decodes that file (pyarrow's, same codec) `repeat` times.
//     Prints one JSON line: rows, in-memory bytes, file bytes, median seconds.
// Figures are printed, never asserted.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "parquet/reader.h"
#include "parquet/writer.h"

namespace {

using namespace jsm;

int Fail(const std::string& what) {
  std::fprintf(stderr, "parquet_tool: %s\n", what.c_str());
  return 1;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = std::move(buffer).str();
  return true;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

double Seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

int Roundtrip(const std::string& input, const std::string& codec, int repeat, const std::string& foreign) {
  std::string bytes;
  if (!ReadFile(input, &bytes)) return Fail("cannot read " + input);
  auto batch = parquet::ReadParquet(bytes, {}, input);
  if (!batch) return Fail(batch.error().ToString());
  parquet::WriterOptions options;
  if (codec == "none") {
    options.compression = parquet::Compression::kUncompressed;
  } else if (codec == "snappy") {
    options.compression = parquet::Compression::kSnappy;
  } else if (codec == "zstd") {
    options.compression = parquet::Compression::kZstd;
  } else {
    return Fail("unknown codec " + codec);
  }
  std::vector<double> encode, decode, decode_foreign;
  std::string ours;
  for (int i = 0; i < repeat; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    if (auto written = parquet::WriteParquet(*batch, options, &ours); !written) {
      return Fail(written.error().ToString());
    }
    const auto t1 = std::chrono::steady_clock::now();
    auto decoded = parquet::ReadParquet(ours, {}, "ours");
    const auto t2 = std::chrono::steady_clock::now();
    if (!decoded) return Fail(decoded.error().ToString());
    if (decoded->num_rows() != batch->num_rows()) return Fail("our file decodes to a different row count");
    encode.push_back(Seconds(t1 - t0));
    decode.push_back(Seconds(t2 - t1));
  }
  std::string theirs;
  if (!foreign.empty()) {
    if (!ReadFile(foreign, &theirs)) return Fail("cannot read " + foreign);
    for (int i = 0; i < repeat; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      auto decoded = parquet::ReadParquet(theirs, {}, foreign);
      const auto t1 = std::chrono::steady_clock::now();
      if (!decoded) return Fail(decoded.error().ToString());
      if (decoded->num_rows() != batch->num_rows()) return Fail(foreign + " decodes to a different row count");
      decode_foreign.push_back(Seconds(t1 - t0));
    }
  }
  std::printf("{\"rows\":%zu,\"memory_bytes\":%zu,\"file_bytes\":%zu,\"encode_s\":%.6f,\"decode_s\":%.6f,"
              "\"decode_foreign_s\":%.6f}\n",
              batch->num_rows(), batch->ByteSize(), ours.size(), Median(encode), Median(decode),
              Median(decode_foreign));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 5 && std::string(argv[1]) == "roundtrip") {
    return Roundtrip(argv[2], argv[3], std::max(1, std::atoi(argv[4])), argc >= 6 ? argv[5] : "");
  }
  return Fail("usage: parquet_tool roundtrip <input.parquet> <none|snappy|zstd> <repeat> [<foreign.parquet>]");
}
