// The versioned JSON report (`--format json`); its shape is documented in docs/report.md.
#include <exception>
#include <sstream>
#include <system_error>
#include <thread>

#include "report/json_stream.hpp"
#include "report/writer.hpp"

namespace mgate {
namespace {

void text_or_null(JsonStream& json, const std::string& text) {
  if (text.empty()) {
    json.null();
  } else {
    json.string(text);
  }
}

// The keys of a range, flat, so an edit can extend them with its replacement.
void range_fields(JsonStream& json, const std::string& file, const Position& start,
                  const Position& end) {
  json.key("file");
  json.string(file);
  json.key("line");
  json.number(start.line);
  json.key("column");
  json.number(start.column);
  json.key("end_line");
  json.number(end.line);
  json.key("end_column");
  json.number(end.column);
}

void write_fix(JsonStream& json, const Fix& fix) {
  json.begin_object();
  json.key("description");
  json.string(fix.description);
  json.key("edits");
  json.begin_array();
  for (const Edit& edit : fix.edits) {
    json.begin_object();
    range_fields(json, edit.location.file, edit.location.start, edit.location.end);
    json.key("replacement");
    json.string(edit.replacement);
    json.key("original");
    json.string(edit.original);
    if (!edit.lines.empty()) {
      json.key("lines");
      json.string(edit.lines);
    }
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

void write_finding(JsonStream& json, const Finding& f) {
  json.begin_object();
  json.key("rule");
  json.string(f.rule);
  json.key("gate");
  json.string(f.gate);
  json.key("level");
  json.string(to_string(f.level));
  json.key("message");
  json.string(f.message);
  json.key("help");
  json.string(f.help);
  if (!f.measured.empty()) {
    json.key("measured");
    json.string(f.measured);
  }
  json.key("migration");
  text_or_null(json, f.migration);
  json.key("location");
  if (f.location) {
    json.begin_object();
    range_fields(json, f.location->file, f.location->start, f.location->end);
    json.end_object();
  } else {
    json.null();
  }
  json.key("evidence");
  // Copied only when the plan is added to it.
  const nlohmann::json with_plan = f.plan ? report_evidence(f) : nlohmann::json();
  const nlohmann::json& evidence = f.plan ? with_plan : f.evidence;
  if (evidence.is_object() && evidence.empty()) {
    json.begin_object();
    json.end_object();
  } else {
    json.value(evidence);
  }
  if (f.fix) {
    json.key("fix");
    write_fix(json, *f.fix);
  }
  if (!f.risk.empty()) {
    json.key("risk");
    json.string(f.risk);
  }
  if (!f.folded.empty()) {
    json.key("folded");
    json.begin_array();
    for (const std::string& rule : f.folded) json.string(rule);
    json.end_array();
  }
  json.end_object();
}

// The findings, as the elements of the array open in `json`. Thousands of them are written by
// two threads, the second half into a stream of its own that is spliced in after the first half:
// the JSON report of a history of 700 migrations holds 3,700 findings.
void write_findings(JsonStream& json, const std::vector<const Finding*>& findings) {
  constexpr std::size_t kSplitFrom = 1000;
  const std::size_t half = findings.size() / 2;
  std::ostringstream second_half;
  std::exception_ptr failed;
  std::thread second;
  if (findings.size() >= kSplitFrom) {
    try {
      second = std::thread([&, depth = json.depth()] {
        try {
          JsonStream part(second_half, depth);
          for (std::size_t i = half; i < findings.size(); ++i) write_finding(part, *findings[i]);
        } catch (...) {
          failed = std::current_exception();
        }
      });
    } catch (const std::system_error&) {
      // No thread to be had: one writes them all.
    }
  }
  const std::size_t first_end = second.joinable() ? half : findings.size();
  for (std::size_t i = 0; i < first_end; ++i) write_finding(json, *findings[i]);
  if (!second.joinable()) return;
  second.join();
  if (failed) std::rethrow_exception(failed);
  json.raw(std::move(second_half).str());
}

void write_gate(JsonStream& json, const GateResult& gate) {
  json.begin_object();
  json.key("name");
  json.string(gate.gate);
  json.key("status");
  json.string(to_string(gate.status));
  json.key("duration_ms");
  json.number(gate.duration.count());
  json.key("metrics");
  json.value(report_metrics(gate));
  if (!gate.skip_reason.empty()) {
    json.key("reason");
    json.string(gate.skip_reason);
  }
  json.end_object();
}

void write_migration(JsonStream& json, const MigrationEntry& m,
                     const std::set<std::string>& failed) {
  json.begin_object();
  json.key("version");
  json.string(m.version);
  json.key("name");
  json.string(m.name);
  json.key("up");
  text_or_null(json, m.up);
  json.key("down");
  text_or_null(json, m.down);
  json.key("gated");
  json.boolean(m.gated);
  json.key("status");
  json.string(failed.count(m.version) ? "fail" : "pass");
  json.end_object();
}

void write_layout(JsonStream& json, const LayoutChoice& layout) {
  json.begin_object();
  json.key("dir");
  json.string(layout.dir);
  json.key("layout");
  json.string(layout.layout);
  json.key("detected");
  json.boolean(layout.detected);
  json.key("migrations");
  json.number(layout.migrations);
  json.end_object();
}

void write_rule(JsonStream& json, const RuleDescriptor& rule) {
  json.begin_object();
  json.key("id");
  json.string(rule.id);
  json.key("gate");
  json.string(rule.gate);
  json.key("level");
  json.string(to_string(rule.default_level));
  json.key("summary");
  json.string(rule.summary);
  json.key("help_uri");
  json.string(rule.help_uri);
  json.end_object();
}

void write_shard(JsonStream& json, const std::optional<ShardInfo>& shard) {
  if (!shard) {
    json.null();
    return;
  }
  json.begin_object();
  json.key("index");
  json.number(shard->index);
  json.key("count");
  json.number(shard->count);
  json.key("ranges");
  json.begin_array();
  for (const ShardRange& r : shard->ranges) {
    json.begin_object();
    json.key("first");
    json.string(r.first);
    json.key("last");
    json.string(r.last);
    json.key("migrations");
    json.number(r.migrations);
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

class JsonWriter final : public Writer {
 public:
  std::string_view format() const override { return "json"; }

  void write(const Report& report, std::ostream& out, const WriterOptions&) const override {
    JsonStream json(out);
    json.begin_object();
    json.key("schema");
    json.string("mgate-report/1");
    json.key("tool");
    json.begin_object();
    json.key("name");
    json.string("mgate");
    json.key("version");
    json.string(report.tool_version);
    json.end_object();
    json.key("run");
    json.begin_object();
    json.key("root");
    text_or_null(json, report.root);
    json.key("commit");
    text_or_null(json, report.run.commit);
    json.key("base");
    text_or_null(json, report.run.base);
    json.key("time");
    text_or_null(json, report.run.time);
    json.end_object();
    json.key("fingerprint");
    text_or_null(json, report.fingerprint);
    json.key("shard");
    write_shard(json, report.shard);
    if (report.merged_shards > 0) {
      json.key("merged_shards");
      json.number(report.merged_shards);
    }
    json.key("fail_on");
    json.string(to_string(report.fail_on));
    json.key("postgres");
    if (report.postgres) {
      json.begin_object();
      json.key("provider");
      json.string(report.postgres->provider);
      json.key("version");
      json.string(report.postgres->version);
      json.end_object();
    } else {
      json.null();
    }
    json.key("layouts");
    json.begin_array();
    for (const auto& layout : report.layouts) write_layout(json, layout);
    json.end_array();
    json.key("migrations");
    json.begin_array();
    const std::set<std::string> failed = report.failed_migrations();
    for (const auto& m : report.migrations) write_migration(json, m, failed);
    json.end_array();
    json.key("gates");
    json.begin_array();
    for (const auto& gate : report.gates) write_gate(json, gate);
    json.end_array();
    json.key("findings");
    json.begin_array();
    write_findings(json, report.findings());
    json.end_array();
    json.key("rules");
    json.begin_array();
    for (const auto& [id, rule] : report.rules) write_rule(json, rule);
    json.end_array();
    const Summary summary = report.summary();
    json.key("summary");
    json.begin_object();
    json.key("passed");
    json.boolean(summary.passed);
    json.key("errors");
    json.number(summary.errors);
    json.key("warnings");
    json.number(summary.warnings);
    json.key("notes");
    json.number(summary.notes);
    json.end_object();
    json.end_object();
    json.finish();
  }
};

}  // namespace

std::unique_ptr<Writer> make_json_writer() {
  return std::make_unique<JsonWriter>();
}

}  // namespace mgate
