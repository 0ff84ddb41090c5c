#pragma once
/// A small streaming JSON writer for the Delta log: objects, arrays, strings with
/// proper escaping, integers, booleans and doubles, commas handled for the caller.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace jsm::delta {

/// Appends `value` as a JSON string literal (quotes included) to `out`. Control
/// characters become \uXXXX (or \n, \t ...), '"' and '\' are escaped; other bytes,
/// UTF-8 included, pass through.
void AppendJsonString(std::string_view value, std::string* out);

/// Writes one JSON value into a string. Keys and values must alternate inside objects.
class JsonWriter {
 public:
  void BeginObject();
  void EndObject();
  void BeginArray();
  void EndArray();
  /// The next member's name; must be followed by exactly one value.
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(int64_t value);
  void Bool(bool value);
  /// A finite double in shortest round-trip form.
  void Double(double value);
  void Null();
  /// A pre-serialized JSON value, inserted verbatim.
  void RawValue(std::string_view json);
  /// An object of string values: {"k":"v",...}.
  void StringMap(const std::map<std::string, std::string>& values);

  /// Key + value shorthands.
  void Member(std::string_view key, std::string_view value) { Key(key); String(value); }
  void Member(std::string_view key, const char* value) { Key(key); String(value); }
  void Member(std::string_view key, int64_t value) { Key(key); Int(value); }
  void Member(std::string_view key, int value) { Key(key); Int(value); }
  void Member(std::string_view key, bool value) { Key(key); Bool(value); }

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();

  std::string out_;
  /// Per open container: whether a member has been written (a comma is due).
  std::vector<bool> has_member_;
  bool after_key_ = false;
};

}  // namespace jsm::delta
