#include "delta/schema_diff.h"

#include <string>
#include <vector>

#include "delta/schema_json.h"

namespace jsm::delta {
namespace {

std::string ColumnList(const Schema& schema) {
  std::string out;
  for (const Field& field : schema.fields) {
    if (!out.empty()) out += ", ";
    out += field.name;
  }
  return "(" + out + ")";
}

}  // namespace

std::string DescribeSchemaDifference(const Schema& actual, const Schema& expected, std::string_view actual_label) {
  if (actual == expected) return "";
  const std::string label(actual_label);
  std::vector<std::string> differences;
  for (const Field& want : expected.fields) {
    const int index = actual.FieldIndex(want.name);
    if (index < 0) {
      differences.push_back(label + " lacks column '" + want.name + "' (" + DeltaTypeName(want) + ")");
      continue;
    }
    const Field& have = actual.fields[static_cast<size_t>(index)];
    if (DeltaTypeName(have) != DeltaTypeName(want)) {
      differences.push_back("column '" + want.name + "' is " + DeltaTypeName(have) + " in " + label + " but " +
                            DeltaTypeName(want) + " is expected");
    }
    if (have.nullable != want.nullable) {
      differences.push_back("column '" + want.name + "' is " + (have.nullable ? "nullable" : "not nullable") + " in " +
                            label + " but expected " + (want.nullable ? "nullable" : "not nullable"));
    }
  }
  for (const Field& have : actual.fields) {
    if (expected.FieldIndex(have.name) < 0) {
      differences.push_back(label + " has an unexpected column '" + have.name + "' (" + DeltaTypeName(have) + ")");
    }
  }
  if (differences.empty()) {
    differences.push_back("columns are in a different order: " + label + " has " + ColumnList(actual) +
                          ", expected " + ColumnList(expected));
  }
  std::string out;
  for (const std::string& difference : differences) {
    if (!out.empty()) out += "; ";
    out += difference;
  }
  return out;
}

}  // namespace jsm::delta
