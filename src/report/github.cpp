// GitHub Actions workflow commands (`--format github`): one annotation per finding, shown on
// the pull request's diff and in the run's summary.
// https://docs.github.com/actions/reference/workflow-commands-for-github-actions
#include <fmt/format.h>

#include "report/markup.hpp"
#include "report/outcome.hpp"
#include "report/writer.hpp"

namespace mgate {
namespace {

// The runner decodes these in a command's message: '%' first, so that an escape in the
// message is never decoded twice.
std::string escape_data(std::string_view text) {
  std::string out;
  for (const char c : valid_utf8(text)) {
    switch (c) {
      case '%':
        out += "%25";
        break;
      case '\r':
        out += "%0D";
        break;
      case '\n':
        out += "%0A";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A property value also ends at ',' and the properties at ':'.
std::string escape_property(std::string_view text) {
  std::string out;
  for (const char c : escape_data(text)) {
    if (c == ':') {
      out += "%3A";
    } else if (c == ',') {
      out += "%2C";
    } else {
      out += c;
    }
  }
  return out;
}

std::string_view command(Level level) {
  switch (level) {
    case Level::error:
      return "error";
    case Level::warning:
      return "warning";
    case Level::note:
      return "notice";
  }
  return "error";
}

// GitHub's endColumn is the last column flagged; the report's end is exclusive.
std::string range_properties(const Location& at) {
  std::string text = fmt::format(",line={},col={}", at.start.line, at.start.column);
  const bool after_start = at.end.line > at.start.line ||
                           (at.end.line == at.start.line && at.end.column > at.start.column);
  if (after_start) {
    text += fmt::format(
        ",endLine={},endColumn={}", at.end.line,
        std::max(at.end.column - 1, at.end.line == at.start.line ? at.start.column : 1));
  }
  return text;
}

class GithubWriter final : public Writer {
 public:
  std::string_view format() const override { return "github"; }

  void write(const Report& report, std::ostream& out, const WriterOptions&) const override {
    const FindingPlaces places(report);
    for (const Finding* f : report.findings()) {
      out << "::" << command(f->level) << ' ';
      if (const auto at = places.of(*f)) {
        out << "file=" << escape_property(at->file);
        if (f->location) out << range_properties(*at);
        out << ',';
      }
      out << "title=" << escape_property(fmt::format("mgate {}", f->rule)) << "::";
      std::string message = f->message;
      if (!f->measured.empty()) message += "\nmeasured: " + f->measured;
      if (!f->help.empty()) message += "\nhelp: " + f->help;
      out << escape_data(message) << '\n';
    }
    for (const GateResult& gate : report.gates) {
      if (gate.status != GateStatus::error) continue;
      out << "::error title=" << escape_property("mgate gate " + gate.gate) << "::"
          << escape_data("the " + gate.gate + " gate could not run: " +
                         (gate.skip_reason.empty() ? "unknown reason" : gate.skip_reason))
          << '\n';
    }
    // A plain line: the verdict in the log, never a command.
    const Summary summary = report.summary();
    auto counted = [](int n, std::string_view noun) {
      return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
    };
    out << "mgate: " << counted(summary.errors, "error") << ", "
        << counted(summary.warnings, "warning") << ", " << counted(summary.notes, "note") << ": "
        << (summary.passed ? "PASS" : "FAIL") << '\n';
  }
};

}  // namespace

std::unique_ptr<Writer> make_github_writer() {
  return std::make_unique<GithubWriter>();
}

}  // namespace mgate
