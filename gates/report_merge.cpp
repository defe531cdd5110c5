#include "gates/report_merge.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>

#include "gates/gate.hpp"

namespace mgate {
namespace {

using Json = nlohmann::json;

// Objects key by key, recursively; any other value is the first part's.
void merge_keys(Json& total, const Json& part) {
  if (!total.is_object() || !part.is_object()) return;
  for (const auto& [key, value] : part.items()) {
    auto it = total.find(key);
    if (it == total.end()) {
      total[key] = value;
    } else {
      merge_keys(*it, value);
    }
  }
}

// The top-level numbers of a gate that counts its work add up; the rest merges key by key.
void merge_metrics(Json& total, const Json& part, bool counts) {
  if (!total.is_object() || !part.is_object()) return;
  for (const auto& [key, value] : part.items()) {
    auto it = total.find(key);
    if (it == total.end()) {
      total[key] = value;
    } else if (counts && it->is_number_integer() && value.is_number_integer()) {
      *it = it->get<long long>() + value.get<long long>();
    } else if (counts && it->is_number() && value.is_number()) {
      *it = it->get<double>() + value.get<double>();
    } else {
      merge_keys(*it, value);
    }
  }
}

// How telling a status is when parts disagree: a gate that could not run, then one that
// failed, then one that ran, then one that was skipped.
int rank(GateStatus status) {
  switch (status) {
    case GateStatus::skip:
      return 0;
    case GateStatus::pass:
      return 1;
    case GateStatus::fail:
      return 2;
    case GateStatus::error:
      return 3;
  }
  return 3;
}

// `same_history`: the parts are shards of one history, which the history gates each judged
// whole: their metrics are the first part's.
void merge_gate(GateResult& total, GateResult&& part, bool same_history) {
  if (rank(part.status) > rank(total.status)) {
    total.status = part.status;
    total.skip_reason = std::move(part.skip_reason);
  }
  total.duration += part.duration;
  const Gate* gate = find_gate(total.gate);
  const GateScope scope = gate ? gate->scope() : GateScope::gated_set;
  if (!(same_history && scope == GateScope::history)) {
    merge_metrics(total.metrics, part.metrics, scope != GateScope::gated_set);
  }
  std::move(part.findings.begin(), part.findings.end(), std::back_inserter(total.findings));
}

void merge_gates(Report& total, Report&& part, bool same_history) {
  for (GateResult& gate : part.gates) {
    auto same = std::find_if(total.gates.begin(), total.gates.end(),
                             [&](const GateResult& g) { return g.gate == gate.gate; });
    if (same == total.gates.end()) {
      total.gates.push_back(std::move(gate));
    } else {
      merge_gate(*same, std::move(gate), same_history);
    }
  }
  total.rules.merge(part.rules);
  if (!total.postgres) total.postgres = std::move(part.postgres);
}

// The value most reports share (the first report's on a tie), and the reports that differ.
template <typename Key>
std::vector<const ReportFile*> odd_ones(const std::vector<ReportFile>& reports, Key key,
                                        const ReportFile*& reference) {
  std::map<std::string, int> votes;
  for (const ReportFile& r : reports) ++votes[key(r)];
  reference = &reports.front();
  for (const ReportFile& r : reports) {
    if (votes[key(r)] > votes[key(*reference)]) reference = &r;
  }
  std::vector<const ReportFile*> odd;
  for (const ReportFile& r : reports) {
    if (key(r) != key(*reference)) odd.push_back(&r);
  }
  return odd;
}

// Refuses reports that are not the shards of one run: those that are no shard's, and those
// that differ from most in `what` (the mgate version, the shard count, the fingerprint).
template <typename Key>
void refuse_foreign(const std::vector<ReportFile>& reports, std::string_view what, Key key) {
  const ReportFile* reference = nullptr;
  std::vector<const ReportFile*> odd = odd_ones(reports, key, reference);
  if (odd.empty()) return;
  std::vector<std::string> names;
  for (const ReportFile* r : odd) names.push_back(fmt::format("{} ({})", r->name, key(*r)));
  throw InputError(fmt::format(
      "{} {} from another run: {} {} differs from that of {} ({}); merge the shards of one run, "
      "written by the same mgate from the same commit and configuration",
      fmt::join(names, ", "), odd.size() == 1 ? "is" : "are", odd.size() == 1 ? "its" : "their",
      what, reference->name, key(*reference)));
}

}  // namespace

void merge_directory(Report& total, Report&& part) {
  if (total.gates.empty() && total.migrations.empty()) {
    RunContext run = std::move(total.run);
    total = std::move(part);
    total.run = std::move(run);
    return;
  }
  std::move(part.layouts.begin(), part.layouts.end(), std::back_inserter(total.layouts));
  std::move(part.migrations.begin(), part.migrations.end(), std::back_inserter(total.migrations));
  if (total.shard && part.shard) {
    std::move(part.shard->ranges.begin(), part.shard->ranges.end(),
              std::back_inserter(total.shard->ranges));
  } else if (!total.shard) {
    total.shard = std::move(part.shard);
  }
  merge_gates(total, std::move(part), false);
}

Report merge_shards(std::vector<ReportFile> shards) {
  if (shards.empty()) throw InputError("mgate merge needs the JSON reports of the shards");
  for (const ReportFile& r : shards) {
    if (!r.report.shard) {
      throw InputError(
          fmt::format("{}: not the report of a shard: mgate merge combines the JSON reports of "
                      "'mgate check --shard K/N' (or lint), and this run had no --shard",
                      r.name));
    }
    if (r.report.fingerprint.empty()) {
      throw InputError(fmt::format("{}: the report has no fingerprint to tell its run by", r.name));
    }
  }
  refuse_foreign(shards, "mgate version",
                 [](const ReportFile& r) { return r.report.tool_version; });
  refuse_foreign(shards, "shard count", [](const ReportFile& r) {
    return fmt::format("of {} shards", r.report.shard->count);
  });
  refuse_foreign(shards, "fingerprint (of the gated migrations and the configuration)",
                 [](const ReportFile& r) { return r.report.fingerprint; });

  const int count = shards.front().report.shard->count;
  std::map<int, const ReportFile*> by_index;
  for (const ReportFile& r : shards) {
    auto [it, added] = by_index.emplace(r.report.shard->index, &r);
    if (!added) {
      throw InputError(fmt::format("shard {}/{} is given twice: {} and {}", it->first, count,
                                   it->second->name, r.name));
    }
  }
  std::vector<std::string> missing;
  for (int k = 1; k <= count; ++k) {
    if (!by_index.count(k)) missing.push_back(fmt::format("{}/{}", k, count));
  }
  if (!missing.empty()) {
    throw InputError(fmt::format(
        "shard{} {} {} missing: a merged report without {} would pass what was never checked",
        missing.size() == 1 ? "" : "s", fmt::join(missing, ", "),
        missing.size() == 1 ? "is" : "are", missing.size() == 1 ? "it" : "them"));
  }

  std::sort(shards.begin(), shards.end(), [](const ReportFile& a, const ReportFile& b) {
    return a.report.shard->index < b.report.shard->index;
  });
  Report total = std::move(shards.front().report);
  total.shard.reset();
  total.merged_shards = count;
  for (std::size_t k = 1; k < shards.size(); ++k) {
    Report& part = shards[k].report;
    if (part.migrations.size() != total.migrations.size()) {
      throw InputError(fmt::format("{}: its migrations are not those of {}", shards[k].name,
                                   shards.front().name));
    }
    for (std::size_t i = 0; i < part.migrations.size(); ++i) {
      total.migrations[i].gated = total.migrations[i].gated || part.migrations[i].gated;
    }
    merge_gates(total, std::move(part), true);
  }
  return total;
}

}  // namespace mgate
