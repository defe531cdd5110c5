// SARIF 2.1.0 (`--format sarif`) for GitHub code scanning and other SARIF viewers. What maps to
// what is documented in docs/report.md; Microsoft's validator checks the output in
// tests/unit/report_sarif_validator_test.cpp.
#include <algorithm>
#include <cctype>
#include <unordered_map>

#include <fmt/format.h>

#include "report/fingerprint.hpp"
#include "report/json_document.hpp"
#include "report/writer.hpp"

namespace mgate {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kInformationUri = "https://github.com/mgate-dev/mgate";
constexpr std::string_view kSourceRoot = "%SRCROOT%";
// Where a finding that names neither a file nor a migration points: the repository itself.
constexpr std::string_view kRepository = ".";

// A path as a URI reference: bytes outside RFC 3986's unreserved characters, sub-delimiters,
// '/' and '@' are percent-encoded (spaces and UTF-8 names included). ':' is encoded too, so a
// relative path can never be read as a scheme.
std::string uri_path(std::string_view path) {
  static constexpr std::string_view kKept = "-._~/!$&'()*+,;=@";
  std::string uri;
  uri.reserve(path.size());
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || kKept.find(c) != std::string_view::npos) {
      uri += c;
    } else {
      uri += fmt::format("%{:02X}", byte);
    }
  }
  return uri;
}

// SARIF requires a base URI to end in '/', or relative paths would resolve against its parent.
std::string directory_uri(std::string_view absolute_dir) {
  std::string uri = "file://" + uri_path(absolute_dir);
  if (uri.back() != '/') uri += '/';
  return uri;
}

// "require-concurrent-index" -> "RequireConcurrentIndex": SARIF's rule name is an identifier.
std::string pascal_case(std::string_view id) {
  std::string name;
  bool word_start = true;
  for (const char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      word_start = true;
      continue;
    }
    name += word_start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    word_start = false;
  }
  return name;
}

// "require-concurrent-index" -> "Require concurrent index": the description of a rule that the
// report does not describe.
std::string sentence(std::string_view id) {
  std::string text(id);
  for (char& c : text) {
    if (c == '-' || c == '_') c = ' ';
  }
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

// Every file a result or a fix points at, numbered in order of first mention.
class Artifacts {
 public:
  Json location(const std::string& file) {
    auto [it, added] = index_.try_emplace(file, static_cast<int>(files_.size()));
    if (added) files_.push_back(file);
    Json location = uri(file);
    location["index"] = it->second;
    return location;
  }

  Json list() const {
    Json list = Json::array();
    for (const auto& file : files_) {
      list.push_back(
          {{"location", uri(file)},
           {"roles", Json::array({file == kRepository ? "directory" : "analysisTarget"})}});
    }
    return list;
  }

 private:
  // Paths are relative to the repository root, which %SRCROOT% names; an absolute path (which
  // a report should not hold) stays resolvable on its own.
  static Json uri(const std::string& file) {
    if (file.starts_with('/')) return {{"uri", "file://" + uri_path(file)}};
    return {{"uri", uri_path(file)}, {"uriBaseId", kSourceRoot}};
  }

  std::vector<std::string> files_;
  std::unordered_map<std::string, int> index_;
};

Json descriptor_json(const RuleDescriptor& rule) {
  const std::string summary = rule.summary.empty() ? sentence(rule.id) : rule.summary;
  const std::string help_uri = rule.help_uri.empty() ? rule_help_uri(rule.id) : rule.help_uri;
  Json tags = Json::array({"migrations"});
  if (!rule.gate.empty()) tags.push_back(rule.gate);
  return {{"id", rule.id},
          {"name", pascal_case(rule.id)},
          {"shortDescription", {{"text", summary}}},
          {"fullDescription", {{"text", summary}}},
          {"help",
           {{"text", summary + "\nDocumentation: " + help_uri},
            {"markdown", summary + "\n\n[Documentation](" + help_uri + ")"}}},
          {"helpUri", help_uri},
          {"defaultConfiguration", {{"level", to_string(rule.default_level)}}},
          {"properties", {{"tags", std::move(tags)}}}};
}

// tool.driver.rules: every rule the report describes, then any rule a finding names that it
// does not (described from the finding), so every result has a rule to point at.
class RuleTable {
 public:
  RuleTable(const Report& report, const std::vector<const Finding*>& findings) {
    for (const auto& [id, rule] : report.rules) add(rule);
    for (const Finding* f : findings) {
      if (!index_.contains(f->rule)) add({f->rule, f->gate, f->level, "", ""});
    }
  }

  int index(const std::string& rule_id) const { return index_.at(rule_id); }
  Json take_json() { return std::move(descriptors_); }

 private:
  void add(const RuleDescriptor& rule) {
    index_.emplace(rule.id, static_cast<int>(descriptors_.size()));
    descriptors_.push_back(descriptor_json(rule));
  }

  Json descriptors_ = Json::array();
  std::unordered_map<std::string, int> index_;
};

// Regions use the report's 1-based line:column, whose columns count code points
// (run.columnKind). An end before the start is left out rather than made invalid.
Json region(const Position& start, const Position& end) {
  const Position first{std::max(start.line, 1), std::max(start.column, 1)};
  Json region = {{"startLine", first.line}, {"startColumn", first.column}};
  if (end.line > first.line || (end.line == first.line && end.column >= first.column)) {
    region["endLine"] = end.line;
    region["endColumn"] = end.column;
  }
  return region;
}

Json fix_json(const Fix& fix, Artifacts& artifacts) {
  // One artifactChange per file, in the order the edits first touch it.
  std::vector<std::string> files;
  std::vector<Json> replacements;
  for (const Edit& edit : fix.edits) {
    const auto it = std::find(files.begin(), files.end(), edit.location.file);
    const auto at = static_cast<std::size_t>(it - files.begin());
    if (it == files.end()) {
      files.push_back(edit.location.file);
      replacements.push_back(Json::array());
    }
    replacements[at].push_back({{"deletedRegion", region(edit.location.start, edit.location.end)},
                                {"insertedContent", {{"text", edit.replacement}}}});
  }
  Json changes = Json::array();
  for (std::size_t i = 0; i < files.size(); ++i) {
    changes.push_back({{"artifactLocation", artifacts.location(files[i])},
                       {"replacements", std::move(replacements[i])}});
  }
  return {{"description", {{"text", fix.description}}}, {"artifactChanges", std::move(changes)}};
}

class ResultBuilder {
 public:
  ResultBuilder(const Report& report, const RuleTable& rules, Artifacts& artifacts)
      : rules_(rules), artifacts_(artifacts) {
    for (const auto& m : report.migrations) {
      const std::string& file = m.up.empty() ? m.down : m.up;
      if (!file.empty()) migration_files_.emplace(m.version, file);
    }
  }

  Json result(const Finding& f) {
    // GitHub rejects a whole upload when one result lacks a physical location, so a finding
    // without one points at the start of its migration's file, or else at the repository.
    std::string file(kRepository);
    Json where;
    if (f.location && !f.location->file.empty()) {
      file = f.location->file;
      where = region(f.location->start, f.location->end);
    } else if (const auto it = migration_files_.find(f.migration); it != migration_files_.end()) {
      file = it->second;
      where = {{"startLine", 1}};
    }
    Json physical = {{"artifactLocation", artifacts_.location(file)}};
    if (!where.is_null()) physical["region"] = std::move(where);

    std::string text = f.message;
    if (!f.measured.empty()) text += "\nMeasured: " + f.measured;
    if (!f.help.empty()) text += "\n" + f.help;
    Json result = {
        {"ruleId", f.rule},
        {"ruleIndex", rules_.index(f.rule)},
        {"level", to_string(f.level)},
        {"message", {{"text", std::move(text)}}},
        {"locations", Json::array({{{"physicalLocation", std::move(physical)}}})},
        {"partialFingerprints", {{"mgate/v1", fingerprints_.next(f.rule, file, f.message)}}}};
    if (f.fix) result["fixes"] = Json::array({fix_json(*f.fix, artifacts_)});
    Json properties = {{"gate", f.gate}};
    if (!f.migration.empty()) properties["migration"] = f.migration;
    if (!f.measured.empty()) properties["measured"] = f.measured;
    if (nlohmann::json evidence = report_evidence(f); !evidence.empty()) {
      properties["evidence"] = Json(std::move(evidence));
    }
    result["properties"] = std::move(properties);
    return result;
  }

 private:
  const RuleTable& rules_;
  Artifacts& artifacts_;
  Fingerprints fingerprints_;
  std::unordered_map<std::string, std::string> migration_files_;
};

// A gate that could not run makes the run unsuccessful; a skipped one is noted with its reason.
Json invocation_json(const Report& report) {
  bool successful = true;
  Json notifications = Json::array();
  for (const auto& gate : report.gates) {
    if (gate.status == GateStatus::error) {
      successful = false;
      const std::string why = gate.skip_reason.empty() ? "it could not run" : gate.skip_reason;
      notifications.push_back(
          {{"level", "error"}, {"message", {{"text", "gate " + gate.gate + ": " + why}}}});
    } else if (gate.status == GateStatus::skip && !gate.skip_reason.empty()) {
      notifications.push_back(
          {{"level", "note"},
           {"message", {{"text", "gate " + gate.gate + " skipped: " + gate.skip_reason}}}});
    }
    // A gate that measures (plans) says in one line what it measured, findings or not.
    if (!gate.summary.empty()) {
      notifications.push_back(
          {{"level", "note"}, {"message", {{"text", "gate " + gate.gate + ": " + gate.summary}}}});
    }
  }
  Json invocation = {{"executionSuccessful", successful}};
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = std::move(notifications);
  return invocation;
}

class SarifWriter final : public Writer {
 public:
  std::string_view format() const override { return "sarif"; }

  void write(const Report& report, std::ostream& out, const WriterOptions&) const override {
    const auto findings = report.findings();
    RuleTable rules(report, findings);
    Artifacts artifacts;
    ResultBuilder builder(report, rules, artifacts);
    Json results = Json::array();
    for (const Finding* f : findings) results.push_back(builder.result(*f));

    Json run = {{"tool",
                 {{"driver",
                   {{"name", "mgate"},
                    {"version", report.tool_version},
                    {"semanticVersion", report.tool_version},
                    {"informationUri", kInformationUri},
                    {"rules", rules.take_json()}}}}},
                {"invocations", Json::array({invocation_json(report)})}};
    if (report.root.starts_with('/')) {
      run["originalUriBaseIds"] = {{kSourceRoot, {{"uri", directory_uri(report.root)}}}};
    }
    run["artifacts"] = artifacts.list();
    run["results"] = std::move(results);
    run["columnKind"] = "unicodeCodePoints";

    write_json_document(out, {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                              {"version", "2.1.0"},
                              {"runs", Json::array({std::move(run)})}});
  }
};

}  // namespace

std::unique_ptr<Writer> make_sarif_writer() {
  return std::make_unique<SarifWriter>();
}

}  // namespace mgate
