#include "gates/verdicts.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <tuple>

namespace mgate {
namespace {

bool not_after(const Position& a, const Position& b) {
  return std::tie(a.line, a.column) <= std::tie(b.line, b.column);
}

// The statements of every script, by file: where a finding points decides its statement.
class Statements {
 public:
  Statements(const MigrationSet& set, const sql::ParsedSet& parsed) {
    for (const Migration& m : set.migrations) {
      for (const auto* ref : {&m.up, &m.down}) {
        if (!*ref) continue;
        const sql::ParsedScript& script = parsed.script(**ref);
        for (const sql::Statement& s : script.statements)
          by_file_[script.file->path()].in_order.push_back(locate(*script.file, s.span));
      }
    }
    for (auto& [path, file] : by_file_) file.index();
  }

  // The statement `at` points into, as "file:line:column" of its start; none when it points
  // into no statement (a file name, a comment). Where two statements hold it (one ends where the
  // next starts), the earlier one in script order.
  std::optional<std::string> of(const Location& at) const {
    auto file = by_file_.find(at.file);
    if (file == by_file_.end()) return std::nullopt;
    const Location* s = file->second.holding(at.start);
    if (!s) return std::nullopt;
    return fmt::format("{}:{}:{}", s->file, s->start.line, s->start.column);
  }

 private:
  // One file's statements, and an index by start so that a history of 20,000 statements in one
  // file is not searched from the top for every finding.
  struct File {
    std::vector<Location> in_order;
    std::vector<std::size_t> by_start;   // positions in in_order, sorted by start
    std::vector<Position> furthest_end;  // the furthest end among by_start[0..i]

    void index() {
      by_start.resize(in_order.size());
      for (std::size_t i = 0; i < by_start.size(); ++i) by_start[i] = i;
      std::stable_sort(by_start.begin(), by_start.end(), [&](std::size_t a, std::size_t b) {
        return !not_after(in_order[b].start, in_order[a].start);
      });
      furthest_end.resize(by_start.size());
      for (std::size_t i = 0; i < by_start.size(); ++i) {
        const Position& end = in_order[by_start[i]].end;
        furthest_end[i] = i > 0 && not_after(end, furthest_end[i - 1]) ? furthest_end[i - 1] : end;
      }
    }

    // The first statement in script order whose start..end holds `at`.
    const Location* holding(const Position& at) const {
      auto after = std::upper_bound(
          by_start.begin(), by_start.end(), at,
          [&](const Position& p, std::size_t i) { return !not_after(in_order[i].start, p); });
      std::optional<std::size_t> first;
      for (std::size_t k = static_cast<std::size_t>(after - by_start.begin()); k > 0; --k) {
        if (!not_after(at, furthest_end[k - 1])) break;  // nothing from here down reaches `at`
        std::size_t i = by_start[k - 1];
        if (not_after(at, in_order[i].end) && (!first || i < *first)) first = i;
      }
      return first ? &in_order[*first] : nullptr;
    }
  };
  std::map<std::string, File> by_file_;
};

// A finding's key: migration, statement and risk; none for a finding that stands alone.
std::optional<std::string> key_of(const Statements& statements, const std::string& migration,
                                  const std::optional<Location>& at, const std::string& risk) {
  if (risk.empty() || !at) return std::nullopt;
  std::optional<std::string> statement = statements.of(*at);
  if (!statement) return std::nullopt;
  return migration + "\n" + *statement + "\n" + risk;
}

nlohmann::json& measured_of(Finding& f) {
  nlohmann::json& measured = f.evidence["measured"];
  if (!measured.is_object()) measured = nlohmann::json::object();
  return measured;
}

void add_line(Finding& f, const std::string& line) {
  if (line.empty() || f.measured.find(line) != std::string::npos) return;
  f.measured += (f.measured.empty() ? "" : "; ") + line;
}

int weight(const std::string& verdict) {
  return verdict == "raised" ? 3 : verdict == "confirmed" ? 2 : verdict == "cleared" ? 1 : 0;
}

void set_verdict(nlohmann::json& measured, const std::string& verdict) {
  std::string now = measured.value("verdict", std::string());
  if (weight(verdict) > weight(now)) measured["verdict"] = verdict;
}

// What a gate measured on the statement becomes the kept finding's evidence.
void attach(Finding& into, const Measurement& m) {
  nlohmann::json& measured = measured_of(into);
  for (const auto& [key, value] : m.evidence.items()) measured[key] = value;
  add_line(into, m.summary);
}

// Whether `d` shows wrong everything `into` stands for: its rule and every rule folded into it.
bool clears_all(const Finding& d, const Finding& into) {
  auto cleared = [&](const std::string& rule) {
    return std::find(d.clears.begin(), d.clears.end(), rule) != d.clears.end();
  };
  return !d.clears.empty() && cleared(into.rule) &&
         std::all_of(into.folded.begin(), into.folded.end(), cleared);
}

void fold(Finding& into, const Finding& d) {
  nlohmann::json& measured = measured_of(into);
  measured["findings"][d.rule] = d.evidence;
  measured["levels"][d.rule] = std::string(to_string(d.level));
  if (clears_all(d, into)) {
    into.level = Level::note;
    into.message += fmt::format(". Cleared on the server: {}", d.message);
    set_verdict(measured, "cleared");
  } else if (d.level > into.level) {
    into.level = d.level;
    set_verdict(measured, "raised");
  } else {
    set_verdict(measured, "confirmed");
  }
  into.folded.push_back(d.rule);
  add_line(into, d.measured);
}

}  // namespace

bool Folded::counts(const std::vector<GateResult>& results) const {
  for (const GateResult& result : results) {
    for (const Finding& f : result.findings) {
      if (f.rule == rule && f.location && f.location->file == at.file &&
          f.location->start == at.start)
        return true;
    }
  }
  return false;
}

std::vector<Folded> keep_one_verdict_per_risk(const MigrationSet& set, const sql::ParsedSet& parsed,
                                              std::vector<GateResult>& results) {
  std::vector<Folded> out;
  // Only a measurement or another gate's finding can meet a static finding: a run of the static
  // gates alone has neither, and spends nothing here.
  auto keyed = [](const std::string& risk, bool located) { return !risk.empty() && located; };
  const bool any_to_meet = std::any_of(results.begin(), results.end(), [&](const GateResult& r) {
    return std::any_of(r.measurements.begin(), r.measurements.end(),
                       [&](const Measurement& m) { return keyed(m.risk, true); }) ||
           (r.gate != "lint" &&
            std::any_of(r.findings.begin(), r.findings.end(),
                        [&](const Finding& f) { return keyed(f.risk, f.location.has_value()); }));
  });
  if (!any_to_meet) return out;
  Statements statements(set, parsed);
  // key -> (result, finding) that speaks for the risk. Indices, not pointers: findings are
  // erased below.
  std::map<std::string, std::pair<std::size_t, std::size_t>> kept;
  auto finding_at = [&](std::pair<std::size_t, std::size_t> at) -> Finding& {
    return results[at.first].findings[at.second];
  };
  for (std::size_t r = 0; r < results.size(); ++r) {
    if (results[r].gate != "lint") continue;
    for (std::size_t i = 0; i < results[r].findings.size(); ++i) {
      const Finding& f = results[r].findings[i];
      if (auto key = key_of(statements, f.migration, f.location, f.risk))
        kept.emplace(*key, std::pair{r, i});
    }
  }
  for (const GateResult& result : results) {
    for (const Measurement& m : result.measurements) {
      auto key = key_of(statements, m.migration, m.statement, m.risk);
      if (auto k = key ? kept.find(*key) : kept.end(); k != kept.end())
        attach(finding_at(k->second), m);
    }
  }
  std::vector<std::vector<bool>> folded(results.size());
  for (std::size_t r = 0; r < results.size(); ++r) {
    folded[r].assign(results[r].findings.size(), false);
    if (results[r].gate == "lint") continue;
    for (std::size_t i = 0; i < results[r].findings.size(); ++i) {
      const Finding& f = results[r].findings[i];
      auto key = key_of(statements, f.migration, f.location, f.risk);
      if (!key) continue;
      auto [k, first] = kept.emplace(*key, std::pair{r, i});
      // A gate's own findings on one statement are distinct observations (a rewrite, a lock
      // without lock_timeout): it folds only another gate's finding, or a static one.
      if (first || k->second.first == r) continue;
      Finding& into = finding_at(k->second);
      fold(into, f);
      folded[r][i] = true;
      out.push_back({r, f.level, into.rule, *into.location});
    }
  }
  for (std::size_t r = 0; r < results.size(); ++r) {
    std::vector<Finding> left;
    for (std::size_t i = 0; i < results[r].findings.size(); ++i) {
      if (!folded[r][i]) left.push_back(std::move(results[r].findings[i]));
    }
    results[r].findings = std::move(left);
  }
  return out;
}

}  // namespace mgate
