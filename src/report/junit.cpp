// JUnit XML (`--format junit`) for GitLab's test reports, Jenkins and other CI servers: one
// testsuite per gated migration with one testcase per gate, and a last testsuite for what
// belongs to no migration (the set's naming, stray files).
#include <fmt/format.h>

#include "report/markup.hpp"
#include "report/outcome.hpp"
#include "report/writer.hpp"

namespace mgate {
namespace {

std::string finding_line(const Finding& f) {
  std::string where = "mgate";
  if (f.location) {
    where =
        fmt::format("{}:{}:{}", f.location->file, f.location->start.line, f.location->start.column);
  }
  std::string text = fmt::format("{}: {}: {} [{}]\n", where, to_string(f.level), f.message, f.rule);
  if (!f.measured.empty()) text += "  measured: " + f.measured + "\n";
  if (!f.help.empty()) text += "  help: " + f.help + "\n";
  return text;
}

std::string findings_text(const std::vector<const Finding*>& findings) {
  std::string text;
  for (const Finding* f : findings) text += finding_line(*f);
  return text;
}

std::string seconds(std::chrono::milliseconds duration) {
  return fmt::format("{:.3f}", duration.count() / 1000.0);
}

// Versions such as 1.2.10 would split a Java-style class name into packages.
std::string class_name(const std::string& version, const std::string& name) {
  std::string text = "mgate." + version + "_" + name;
  for (std::size_t i = 6; i < text.size(); ++i) {
    if (text[i] == '.' || text[i] == ' ') text[i] = '_';
  }
  return text;
}

struct Counts {
  int tests = 0, failures = 0, errors = 0, skipped = 0;
  void add(GateStatus status) {
    ++tests;
    failures += status == GateStatus::fail;
    errors += status == GateStatus::error;
    skipped += status == GateStatus::skip;
  }
};

Counts count(const std::vector<GateOutcome>& gates) {
  Counts counts;
  for (const GateOutcome& g : gates) counts.add(g.status);
  return counts;
}

void write_testcase(std::ostream& out, const GateOutcome& g, const std::string& classname,
                    const std::string& file) {
  out << "    <testcase name=\"" << escape_attribute(g.gate->gate) << "\" classname=\""
      << escape_attribute(classname) << '"';
  if (!file.empty()) out << " file=\"" << escape_attribute(file) << '"';
  out << ">\n";
  const std::string findings = findings_text(g.findings);
  const std::string& reason = g.reason;
  switch (g.status) {
    case GateStatus::fail:
      out << "      <failure message=\""
          << escape_attribute(g.findings.size() == 1
                                  ? g.findings[0]->message
                                  : fmt::format("{} findings", g.findings.size()))
          << "\" type=\"" << escape_attribute(g.findings.empty() ? "" : g.findings[0]->rule)
          << "\">" << escape_markup(findings) << "</failure>\n";
      break;
    case GateStatus::error:
      out << "      <error message=\""
          << escape_attribute(reason.empty() ? "gate could not run" : reason)
          << "\" type=\"gate-error\"/>\n";
      break;
    case GateStatus::skip:
      out << "      <skipped message=\"" << escape_attribute(reason) << "\"/>\n";
      break;
    case GateStatus::pass:
      break;
  }
  // Findings below --fail-on do not fail the case, but a reader should still see them.
  if (g.status != GateStatus::fail && !findings.empty()) {
    out << "      <system-out>" << escape_markup(findings) << "</system-out>\n";
  }
  out << "    </testcase>\n";
}

class JunitWriter final : public Writer {
 public:
  std::string_view format() const override { return "junit"; }

  void write(const Report& report, std::ostream& out, const WriterOptions&) const override {
    const Outcomes all = outcomes(report);
    Counts total = count(all.set);
    std::chrono::milliseconds duration{0};
    for (const GateResult& gate : report.gates) duration += gate.duration;
    for (const MigrationOutcome& m : all.migrations) {
      const Counts c = count(m.gates);
      total.tests += c.tests;
      total.failures += c.failures;
      total.errors += c.errors;
      total.skipped += c.skipped;
    }
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << fmt::format(
        "<testsuites name=\"mgate\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
        "time=\"{}\">\n",
        total.tests, total.failures, total.errors, total.skipped, seconds(duration));
    // Gates time the whole set, not each migration, so a testcase carries no time of its own.
    for (const MigrationOutcome& m : all.migrations) {
      const MigrationEntry& entry = *m.migration;
      const Counts c = count(m.gates);
      const std::string title =
          entry.name.empty() ? entry.version : entry.version + " " + entry.name;
      out << fmt::format(
          "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" "
          "time=\"0.000\">\n",
          escape_attribute("migration " + title), c.tests, c.failures, c.errors, c.skipped);
      const std::string file = entry.up.empty() ? entry.down : entry.up;
      for (const GateOutcome& g : m.gates) {
        write_testcase(out, g, class_name(entry.version, entry.name), file);
      }
      out << "  </testsuite>\n";
    }
    const Counts c = count(all.set);
    out << fmt::format(
        "  <testsuite name=\"migration set\" tests=\"{}\" failures=\"{}\" errors=\"{}\" "
        "skipped=\"{}\" time=\"{}\">\n",
        c.tests, c.failures, c.errors, c.skipped, seconds(duration));
    for (const GateOutcome& g : all.set) write_testcase(out, g, "mgate.set", "");
    out << "  </testsuite>\n</testsuites>\n";
  }
};

}  // namespace

std::unique_ptr<Writer> make_junit_writer() {
  return std::make_unique<JunitWriter>();
}

}  // namespace mgate
