#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mgate {

// A finding's evidence object as the Markdown and HTML reports present it. Gates choose the
// presentation by the shape of each value (docs/report.md, "Evidence"):
//   scalar or array of scalars   -> a row of `facts`
//   array of objects             -> a table, one row per object (locks taken, rows counted)
//   array of numbers             -> a series: statistics, and a chart in HTML (timings)
//   object with before and after -> a comparison shown side by side (plan diffs)
//   any other object             -> a two-column table of its keys
struct EvidenceTable {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

struct EvidenceSeries {
  std::string title;
  std::vector<double> values;
  double min() const;
  double max() const;
  double mean() const;
  double median() const;
};

struct EvidenceComparison {
  std::string title;
  std::string before;
  std::string after;
};

struct Evidence {
  EvidenceTable facts{"", {"key", "value"}, {}};
  std::vector<EvidenceTable> tables;
  std::vector<EvidenceSeries> series;
  std::vector<EvidenceComparison> comparisons;
  bool empty() const {
    return facts.rows.empty() && tables.empty() && series.empty() && comparisons.empty();
  }
};

Evidence present_evidence(const nlohmann::json& evidence);

// A JSON value as one cell of text: strings unquoted, numbers as written, the rest compact JSON.
std::string cell_text(const nlohmann::json& value);

// A number for people: integers as such, others with at most 3 decimals and no trailing zeros.
std::string number_text(double value);

}  // namespace mgate
