// GitLab Code Quality (`--format gitlab`): the Code Climate issue subset that GitLab reads from
// a `codequality` report artifact and shows in merge requests.
// https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format
#include "report/fingerprint.hpp"
#include "report/json_document.hpp"
#include "report/outcome.hpp"
#include "report/writer.hpp"

namespace mgate {
namespace {

using Json = nlohmann::ordered_json;

// GitLab's severities are info, minor, major, critical and blocker. An error fails the gate
// and would hurt production, so it is critical; a warning is minor.
std::string_view severity(Level level) {
  switch (level) {
    case Level::error:
      return "critical";
    case Level::warning:
      return "minor";
    case Level::note:
      return "info";
  }
  return "critical";
}

class GitlabWriter final : public Writer {
 public:
  std::string_view format() const override { return "gitlab"; }

  void write(const Report& report, std::ostream& out, const WriterOptions&) const override {
    const FindingPlaces places(report);
    Fingerprints fingerprints;
    Json issues = Json::array();
    for (const Finding* f : report.findings()) {
      // GitLab requires a path; a finding about the set as a whole points at the repository.
      const auto at = places.of(*f);
      const std::string path = at ? at->file : ".";
      std::string description = f->message;
      if (!f->measured.empty()) description += " (measured: " + f->measured + ")";
      if (!f->help.empty()) description += " (help: " + f->help + ")";
      issues.push_back({{"description", std::move(description)},
                        {"check_name", f->rule},
                        {"fingerprint", fingerprints.next(f->rule, path, f->message)},
                        {"severity", severity(f->level)},
                        {"location",
                         {{"path", path},
                          {"lines",
                           {{"begin", at ? at->start.line : 1},
                            {"end", at ? std::max(at->end.line, at->start.line) : 1}}}}}});
    }
    write_json_document(out, issues);
  }
};

}  // namespace

std::unique_ptr<Writer> make_gitlab_writer() {
  return std::make_unique<GitlabWriter>();
}

}  // namespace mgate
