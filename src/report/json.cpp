// The versioned JSON report (`--format json`); its shape is documented in docs/report.md.
#include "report/json_document.hpp"
#include "report/writer.hpp"

namespace mgate {
namespace {

using Json = nlohmann::ordered_json;

Json text_or_null(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

// The keys of a range, flat, so an edit can extend them with its replacement.
Json range(const std::string& file, const Position& start, const Position& end) {
  return {{"file", file},
          {"line", start.line},
          {"column", start.column},
          {"end_line", end.line},
          {"end_column", end.column}};
}

Json fix_json(const Fix& fix) {
  Json edits = Json::array();
  for (const Edit& edit : fix.edits) {
    Json e = range(edit.location.file, edit.location.start, edit.location.end);
    e["replacement"] = edit.replacement;
    edits.push_back(std::move(e));
  }
  return {{"description", fix.description}, {"edits", std::move(edits)}};
}

Json finding_json(const Finding& f) {
  Json j = {{"rule", f.rule},
            {"gate", f.gate},
            {"level", to_string(f.level)},
            {"message", f.message},
            {"help", f.help},
            {"migration", text_or_null(f.migration)},
            {"location", f.location ? range(f.location->file, f.location->start, f.location->end)
                                    : Json(nullptr)},
            {"evidence", Json(f.evidence)}};
  if (f.fix) j["fix"] = fix_json(*f.fix);
  return j;
}

Json gate_json(const GateResult& gate) {
  Json j = {{"name", gate.gate},
            {"status", to_string(gate.status)},
            {"duration_ms", gate.duration.count()},
            {"metrics", Json(gate.metrics)}};
  if (!gate.skip_reason.empty()) j["reason"] = gate.skip_reason;
  return j;
}

Json migration_json(const MigrationEntry& m, const std::set<std::string>& failed) {
  return {{"version", m.version},
          {"name", m.name},
          {"up", text_or_null(m.up)},
          {"down", text_or_null(m.down)},
          {"status", failed.count(m.version) ? "fail" : "pass"}};
}

Json layout_json(const LayoutChoice& layout) {
  return {{"dir", layout.dir},
          {"layout", layout.layout},
          {"detected", layout.detected},
          {"migrations", layout.migrations}};
}

class JsonWriter final : public Writer {
 public:
  std::string_view format() const override { return "json"; }

  void write(const Report& report, std::ostream& out, const WriterOptions&) const override {
    Json postgres = nullptr;
    if (report.postgres) {
      postgres = {{"provider", report.postgres->provider}, {"version", report.postgres->version}};
    }
    Json layouts = Json::array();
    for (const auto& layout : report.layouts) layouts.push_back(layout_json(layout));
    Json migrations = Json::array();
    const std::set<std::string> failed = report.failed_migrations();
    for (const auto& m : report.migrations) migrations.push_back(migration_json(m, failed));
    Json gates = Json::array();
    for (const auto& gate : report.gates) gates.push_back(gate_json(gate));
    Json findings = Json::array();
    for (const Finding* f : report.findings()) findings.push_back(finding_json(*f));
    const Summary summary = report.summary();

    write_json_document(out, {{"schema", "mgate-report/1"},
                              {"tool", {{"name", "mgate"}, {"version", report.tool_version}}},
                              {"postgres", std::move(postgres)},
                              {"layouts", std::move(layouts)},
                              {"migrations", std::move(migrations)},
                              {"gates", std::move(gates)},
                              {"findings", std::move(findings)},
                              {"summary",
                               {{"passed", summary.passed},
                                {"errors", summary.errors},
                                {"warnings", summary.warnings},
                                {"notes", summary.notes}}}});
  }
};

}  // namespace

std::unique_ptr<Writer> make_json_writer() {
  return std::make_unique<JsonWriter>();
}

}  // namespace mgate
