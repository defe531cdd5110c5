// Reads back the JSON report that json.cpp writes (docs/report.md, "json"): every field into its
// typed place, checked, so that what reads a report back never passes JSON around.
#include "report/json_read.hpp"

#include <fmt/core.h>

#include <chrono>
#include <map>

#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "core/json_fields.hpp"

namespace mgate {
namespace {

using Json = nlohmann::json;

int small(const JsonFields& f, std::string_view key) {
  const long long n = f.integer(key);
  if (n < 0 || n > 1'000'000'000) f.refuse(key, "out of range");
  return static_cast<int>(n);
}

Level level_of(const JsonFields& f, std::string_view key) {
  if (auto level = parse_level(f.text(key))) return *level;
  f.refuse(key, "not error, warning or note");
}

GateStatus status_of(const JsonFields& f, std::string_view key) {
  const std::string text = f.text(key);
  for (GateStatus status :
       {GateStatus::pass, GateStatus::fail, GateStatus::skip, GateStatus::error}) {
    if (to_string(status) == text) return status;
  }
  f.refuse(key, "not pass, fail, skip or error");
}

Location location_of(const JsonFields& f) {
  return {f.text("file"),
          {small(f, "line"), small(f, "column")},
          {small(f, "end_line"), small(f, "end_column")}};
}

std::vector<std::string> texts(const JsonFields& f, std::string_view key) {
  std::vector<std::string> out;
  const Json& values = f.array(key);
  for (const Json& value : values) {
    if (!value.is_string()) f.refuse(key, "not an array of strings");
    out.push_back(value.get<std::string>());
  }
  return out;
}

Finding finding_of(const JsonFields& f) {
  Finding finding;
  finding.rule = f.text("rule");
  finding.gate = f.text("gate");
  finding.level = level_of(f, "level");
  finding.message = f.text("message");
  finding.help = f.text("help");
  if (f.has("measured")) finding.measured = f.text("measured");
  finding.migration = f.text_or_empty("migration");
  if (f.has("location")) finding.location = location_of(f.object("location"));
  finding.evidence = f.any("evidence");
  if (!finding.evidence.is_object()) f.refuse("evidence", "not a JSON object");
  // The plans gate's comparison is a field of its own; the report carries it in the evidence.
  if (auto plan = finding.evidence.find("plan"); plan != finding.evidence.end()) {
    const JsonFields p(*plan, "", "evidence.plan");
    finding.plan = PlanComparison{p.text("before"), p.text("after")};
    finding.evidence.erase(plan);
  }
  if (f.has("fix")) {
    const JsonFields fix_fields = f.object("fix");
    Fix fix;
    fix.description = fix_fields.text("description");
    for (const JsonFields& e : fix_fields.elements("edits")) {
      Edit edit;
      edit.location = location_of(e);
      edit.replacement = e.text("replacement");
      edit.original = e.text("original");
      if (e.has("lines")) edit.lines = e.text("lines");
      fix.edits.push_back(std::move(edit));
    }
    finding.fix = std::move(fix);
  }
  if (f.has("risk")) finding.risk = f.text("risk");
  if (f.has("folded")) finding.folded = texts(f, "folded");
  return finding;
}

GateResult gate_of(const JsonFields& g) {
  GateResult gate;
  gate.gate = g.text("name");
  gate.status = status_of(g, "status");
  gate.duration = std::chrono::milliseconds(g.integer("duration_ms"));
  gate.metrics = g.any("metrics");
  if (!gate.metrics.is_object()) g.refuse("metrics", "not a JSON object");
  // The summary of a gate that measures is a field of its own; the report has it in metrics.
  if (auto summary = gate.metrics.find("summary");
      summary != gate.metrics.end() && summary->is_string()) {
    gate.summary = summary->get<std::string>();
    gate.metrics.erase(summary);
  }
  if (g.has("reason")) gate.skip_reason = g.text("reason");
  return gate;
}

std::optional<ShardInfo> shard_of(const JsonFields& top) {
  if (!top.has("shard")) return std::nullopt;
  const JsonFields s = top.object("shard");
  ShardInfo shard{small(s, "index"), small(s, "count"), {}};
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) {
    top.refuse("shard",
               fmt::format("shard {}/{}: K must be between 1 and N", shard.index, shard.count));
  }
  for (const JsonFields& r : s.elements("ranges"))
    shard.ranges.push_back({r.text("first"), r.text("last"), small(r, "migrations")});
  return shard;
}

}  // namespace

Report read_json_report(std::string_view text, const std::string& name) {
  const std::string source = fmt::format("{}: not a report of mgate --format json", name);
  Json document = Json::parse(text, nullptr, false);
  if (document.is_discarded()) throw InputError(source + ": not JSON");
  if (document_version(document, "mgate-report/") != 1) {
    throw InputError(source + ": its schema is not mgate-report/1");
  }
  const JsonFields top(document, source);
  Report report;
  report.tool_version = top.object("tool").text("version");
  const JsonFields run = top.object("run");
  report.root = run.text_or_empty("root");
  report.run = {run.text_or_empty("commit"), run.text_or_empty("base"), run.text_or_empty("time")};
  report.fingerprint = top.text_or_empty("fingerprint");
  report.shard = shard_of(top);
  if (top.has("merged_shards")) report.merged_shards = small(top, "merged_shards");
  if (top.has("postgres")) {
    const JsonFields postgres = top.object("postgres");
    report.postgres = PostgresInfo{postgres.text("provider"), postgres.text("version")};
  }
  if (auto fail_on = parse_fail_on(top.text("fail_on"))) {
    report.fail_on = *fail_on;
  } else {
    top.refuse("fail_on", "not error, warning or never");
  }
  for (const JsonFields& l : top.elements("layouts")) {
    report.layouts.push_back(
        {l.text("dir"), l.text("layout"), l.boolean("detected"), small(l, "migrations")});
  }
  for (const JsonFields& m : top.elements("migrations")) {
    report.migrations.push_back({m.text("version"), m.text("name"), m.text_or_empty("up"),
                                 m.text_or_empty("down"), m.boolean("gated")});
  }
  std::map<std::string, std::size_t> gates;
  for (const JsonFields& g : top.elements("gates")) {
    report.gates.push_back(gate_of(g));
    if (!gates.emplace(report.gates.back().gate, report.gates.size() - 1).second)
      g.refuse("name", fmt::format("gate {} a second time", report.gates.back().gate));
  }
  for (const JsonFields& f : top.elements("findings")) {
    Finding finding = finding_of(f);
    auto gate = gates.find(finding.gate);
    if (gate == gates.end())
      f.refuse("gate", fmt::format("{}, which the report's gates do not list", finding.gate));
    report.gates[gate->second].findings.push_back(std::move(finding));
  }
  for (const JsonFields& r : top.elements("rules")) {
    RuleDescriptor rule{r.text("id"), r.text("gate"), level_of(r, "level"), r.text("summary"),
                        r.text("help_uri")};
    report.rules[rule.id] = std::move(rule);
  }
  return report;
}

}  // namespace mgate
