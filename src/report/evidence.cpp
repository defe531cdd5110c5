#include "report/evidence.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mgate {
namespace {

using Json = nlohmann::json;

// Serialised JSON with invalid UTF-8 replaced, never an exception in a report.
std::string dump(const Json& value, int indent = -1) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

bool all_of_kind(const Json& array, bool (Json::*is)() const noexcept) {
  return !array.empty() &&
         std::all_of(array.begin(), array.end(), [&](const Json& v) { return (v.*is)(); });
}

std::string side_text(const Json& value) {
  return value.is_string() ? value.get<std::string>() : dump(value, 2);
}

EvidenceTable object_table(const std::string& title, const Json& rows) {
  EvidenceTable table{title, {}, {}};
  for (const Json& row : rows) {
    for (const auto& [key, value] : row.items()) {
      if (std::find(table.columns.begin(), table.columns.end(), key) == table.columns.end()) {
        table.columns.push_back(key);
      }
    }
  }
  for (const Json& row : rows) {
    std::vector<std::string> cells;
    for (const std::string& column : table.columns) {
      cells.push_back(row.contains(column) ? cell_text(row[column]) : "");
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

}  // namespace

std::string number_text(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<long long>(value));
  }
  std::string text = fmt::format("{:.3f}", value);
  while (text.ends_with('0')) text.pop_back();
  if (text.ends_with('.')) text.pop_back();
  return text;
}

std::string cell_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return number_text(value.get<double>());
  if (value.is_array() &&
      std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_primitive(); })) {
    std::string text;
    for (const Json& v : value) text += (text.empty() ? "" : ", ") + cell_text(v);
    return text;
  }
  return dump(value);
}

double EvidenceSeries::min() const {
  return values.empty() ? 0 : *std::min_element(values.begin(), values.end());
}
double EvidenceSeries::max() const {
  return values.empty() ? 0 : *std::max_element(values.begin(), values.end());
}
double EvidenceSeries::mean() const {
  return values.empty() ? 0 : std::accumulate(values.begin(), values.end(), 0.0) / values.size();
}
double EvidenceSeries::median() const {
  if (values.empty()) return 0;
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t mid = sorted.size() / 2;
  return sorted.size() % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

Evidence present_evidence(const Json& evidence) {
  Evidence result;
  if (!evidence.is_object()) {
    if (!evidence.is_null()) result.facts.rows.push_back({"evidence", cell_text(evidence)});
    return result;
  }
  for (const auto& [key, value] : evidence.items()) {
    if (value.is_array() && all_of_kind(value, &Json::is_number)) {
      EvidenceSeries series{key, {}};
      for (const Json& v : value) series.values.push_back(v.get<double>());
      result.series.push_back(std::move(series));
    } else if (value.is_array() && all_of_kind(value, &Json::is_object)) {
      result.tables.push_back(object_table(key, value));
    } else if (value.is_object() && value.contains("before") && value.contains("after")) {
      result.comparisons.push_back({key, side_text(value["before"]), side_text(value["after"])});
    } else if (value.is_object() && !value.empty()) {
      EvidenceTable table{key, {"key", "value"}, {}};
      for (const auto& [k, v] : value.items()) table.rows.push_back({k, cell_text(v)});
      result.tables.push_back(std::move(table));
    } else {
      result.facts.rows.push_back({key, cell_text(value)});
    }
  }
  return result;
}

}  // namespace mgate
