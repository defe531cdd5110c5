// Markdown (`--format markdown`) for pull-request comments and GitHub's job summary
// ($GITHUB_STEP_SUMMARY): the verdict, a table of migrations by gate, the findings grouped by
// migration with their evidence folded in <details>, and the gates.
#include <fmt/format.h>

#include <algorithm>

#include "report/evidence.hpp"
#include "report/markup.hpp"
#include "report/outcome.hpp"
#include "report/writer.hpp"

namespace mgate {
namespace {

// Where Markdown text goes: in a table cell a '|' ends the cell, even inside a code span,
// unless escaped; elsewhere "\\|" inside a code span would show its backslash.
enum class Place { text, table };

// A code span that survives backticks in its text: a longer fence than any run inside. Its
// text stays as it is (GitHub shows a code span literally: `<why>` is `<why>`, `&lt;` would be
// `&lt;`); line breaks become spaces, as CommonMark does inside a code span.
std::string code(std::string_view text, Place place) {
  std::size_t longest = 0, run = 0;
  for (const char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  std::string out;
  for (const char c : valid_utf8(text)) {
    if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (c == '|' && place == Place::table) {
      out += "\\|";
    } else {
      out += c;
    }
  }
  const bool pad = !out.empty() && (out.front() == '`' || out.back() == '`');
  return fence + (pad ? " " : "") + out + (pad ? " " : "") + fence;
}

// Text outside code: no raw HTML (a message quoting `<table>` outside backticks stays text),
// no backtick that would open a code span, no '|' that would end a table cell, and line breaks
// as <br>.
std::string plain(std::string_view text) {
  std::string out;
  for (const char c : valid_utf8(text)) {
    switch (c) {
      case '`':
        out += "\\`";
        break;
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '|':
        out += "\\|";
        break;
      case '\r':
        break;
      case '\n':
        out += "<br>";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A message or help text: its backtick code spans as code spans, the rest as plain text.
std::string inline_text(std::string_view text, Place place) {
  const std::string valid = valid_utf8(text);
  std::string out;
  for (const TextPiece& piece : code_spans(valid)) {
    out += piece.code ? code(piece.text, place) : plain(piece.text);
  }
  return out;
}

std::string_view icon(GateStatus status) {
  switch (status) {
    case GateStatus::pass:
      return "✅";
    case GateStatus::fail:
      return "❌";
    case GateStatus::skip:
      return "⏭️";
    case GateStatus::error:
      return "⚠️";
  }
  return "";
}

std::string counted(std::size_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

std::string cell(const GateOutcome& g) {
  std::string text = fmt::format("{} {}", icon(g.status), to_string(g.status));
  if (!g.findings.empty()) text += fmt::format(" ({})", counted(g.findings.size(), "finding"));
  return text;
}

std::string migration_title(const MigrationEntry& m, Place place) {
  return m.name.empty() ? code(m.version, place) : code(m.version, place) + " " + plain((m.name));
}

void write_table(std::ostream& out, const EvidenceTable& table) {
  out << '|';
  for (const auto& column : table.columns) out << ' ' << plain((column)) << " |";
  out << "\n|";
  for (std::size_t i = 0; i < table.columns.size(); ++i) out << "---|";
  out << '\n';
  for (const auto& row : table.rows) {
    out << '|';
    for (const auto& value : row) out << ' ' << plain((value)) << " |";
    out << '\n';
  }
  out << '\n';
}

void write_evidence(std::ostream& out, const Evidence& evidence) {
  out << "  <details><summary>Evidence</summary>\n\n";
  if (!evidence.facts.rows.empty()) write_table(out, evidence.facts);
  for (const EvidenceTable& table : evidence.tables) {
    out << "**" << plain((table.title)) << "**\n\n";
    write_table(out, table);
  }
  if (!evidence.series.empty()) {
    write_table(out, [&] {
      EvidenceTable stats{"", {"series", "n", "min", "median", "mean", "max"}, {}};
      for (const EvidenceSeries& s : evidence.series) {
        stats.rows.push_back({s.title, std::to_string(s.values.size()), number_text(s.min()),
                              number_text(s.median()), number_text(s.mean()),
                              number_text(s.max())});
      }
      return stats;
    }());
  }
  for (const EvidenceComparison& c : evidence.comparisons) {
    out << "**" << plain((c.title)) << "**\n\n"
        << "<table><tr><th>before</th><th>after</th></tr><tr><td><pre>" << escape_markup(c.before)
        << "</pre></td><td><pre>" << escape_markup(c.after) << "</pre></td></tr></table>\n\n";
  }
  out << "  </details>\n";
}

void write_finding(std::ostream& out, const Finding& f) {
  out << "- **" << to_string(f.level) << "** ";
  if (f.location) {
    out << code(fmt::format("{}:{}:{}", f.location->file, f.location->start.line,
                            f.location->start.column),
                Place::text)
        << ' ';
  }
  out << inline_text(f.message, Place::text) << " (" << code(f.rule, Place::text) << ")\n";
  if (!f.measured.empty())
    out << "  <br>measured: " << inline_text(f.measured, Place::text) << '\n';
  if (!f.help.empty()) out << "  <br>help: " << inline_text(f.help, Place::text) << '\n';
  const Evidence evidence = present_evidence(report_evidence(f));
  if (!evidence.empty()) write_evidence(out, evidence);
}

void write_findings(std::ostream& out, const std::string& heading,
                    const std::vector<const Finding*>& findings) {
  if (findings.empty()) return;
  out << "#### " << heading << "\n\n";
  for (const Finding* f : findings) write_finding(out, *f);
  out << '\n';
}

class MarkdownWriter final : public Writer {
 public:
  std::string_view format() const override { return "markdown"; }

  void write(const Report& report, std::ostream& out, const WriterOptions&) const override {
    const Summary summary = report.summary();
    const Outcomes all = outcomes(report);
    out << "## mgate: " << (summary.passed ? "✅ PASS" : "❌ FAIL") << "\n\n"
        << counted(summary.errors, "error") << ", " << counted(summary.warnings, "warning") << ", "
        << counted(summary.notes, "note") << " in " << counted(all.gated, "gated migration")
        << ".\n\n";
    if (report.merged_shards > 0) {
      out << "Merged from " << counted(static_cast<std::size_t>(report.merged_shards), "shard")
          << ".\n\n";
    }
    if (report.shard) {
      out << "Shard " << report.shard->index << '/' << report.shard->count << ": "
          << (report.shard->ranges.empty() ? "no gated migration falls in this shard, nothing "
                                             "to check"
                                           : "the gated migrations");
      std::string separator = " ";
      for (const ShardRange& r : report.shard->ranges) {
        out << separator << code(r.first, Place::text) << " to " << code(r.last, Place::text);
        separator = ", ";
      }
      out << ".\n\n";
    }

    const bool set_findings = std::any_of(all.set.begin(), all.set.end(),
                                          [](const GateOutcome& g) { return !g.findings.empty(); });
    if (!report.gates.empty() && (!all.migrations.empty() || set_findings)) {
      out << "| migration |";
      for (const GateResult& gate : report.gates)
        out << ' ' << inline_text(gate.gate, Place::table) << " |";
      out << "\n|---|";
      for (std::size_t i = 0; i < report.gates.size(); ++i) out << "---|";
      out << '\n';
      for (const MigrationOutcome& m : all.migrations) {
        out << "| " << migration_title(*m.migration, Place::table) << " |";
        for (const GateOutcome& g : m.gates) out << ' ' << cell(g) << " |";
        out << '\n';
      }
      if (set_findings) {
        out << "| *migration set* |";
        for (const GateOutcome& g : all.set) out << ' ' << cell(g) << " |";
        out << '\n';
      }
      out << '\n';
    }

    if (!report.findings().empty()) out << "### Findings\n\n";
    for (const MigrationOutcome& m : all.migrations) {
      write_findings(out, "Migration " + migration_title(*m.migration, Place::text), m.findings);
    }
    write_findings(out, "Migration set", all.set_findings);

    out << "### Gates\n\n| gate | status | duration | note |\n|---|---|---|---|\n";
    for (const GateResult& gate : report.gates) {
      // A gate that measures says what it measured (its summary) where others are silent.
      const std::string& note = gate.skip_reason.empty() ? gate.summary : gate.skip_reason;
      out << "| " << inline_text(gate.gate, Place::table) << " | " << icon(gate.status) << ' '
          << to_string(gate.status) << " | " << gate.duration.count() << " ms | "
          << inline_text(note, Place::table) << " |\n";
    }
    out << "\n<sub>mgate " << plain((report.tool_version));
    if (report.postgres) {
      out << " · PostgreSQL " << plain((report.postgres->version)) << " ("
          << plain((report.postgres->provider)) << ")";
    }
    if (!report.run.commit.empty()) {
      out << " · commit " << code(report.run.commit.substr(0, 12), Place::text);
    }
    if (!report.run.base.empty()) out << " · since " << code(report.run.base, Place::text);
    out << "</sub>\n";
  }
};

}  // namespace

std::unique_ptr<Writer> make_markdown_writer() {
  return std::make_unique<MarkdownWriter>();
}

}  // namespace mgate
