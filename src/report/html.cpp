// HTML (`--format html`) for release managers: one self-contained file (no scripts, fonts,
// images or style sheets from elsewhere) that leads with the verdict and what each migration
// may do in production (ship or not, and why, with what was measured), then a timeline of the
// gates per migration, the findings with their evidence (tables, before/after side by side,
// timing charts as inline SVG), and the gates.
#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "report/evidence.hpp"
#include "report/in_place.hpp"
#include "report/markup.hpp"
#include "report/outcome.hpp"
#include "report/writer.hpp"

namespace mgate {
namespace {

constexpr std::string_view kStyle = R"(
:root{--pass:#1a7f37;--fail:#cf222e;--skip:#8c959f;--error:#bc4c00;--line:#d0d7de;--muted:#57606a}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1,h2,h3{line-height:1.25}
h2{margin:0 0 8px;font-size:20px}
section,header{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:16px 0}
.verdict{border-width:0 0 0 8px;border-style:solid}
.verdict.pass{border-color:var(--pass)}.verdict.fail{border-color:var(--fail)}
.verdict h1{margin:0 0 4px;font-size:28px}
.verdict .pass-word{color:var(--pass)}.verdict .fail-word{color:var(--fail)}
.run{display:flex;flex-wrap:wrap;gap:4px 20px;margin:8px 0 0;color:var(--muted)}
.run div{display:flex;gap:6px}.run dt{font-weight:600}.run dd{margin:0}
.muted{color:var(--muted)}
table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}
table.wide{width:100%}
code,pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
code{background:#eff2f5;border-radius:4px;padding:1px 4px}
pre code{background:none;padding:0}
pre{background:#f6f8fa;padding:8px;margin:0;overflow:auto;white-space:pre-wrap}
.text{white-space:pre-line;margin:6px 0}
.measured{margin:6px 0;padding:4px 8px;background:#ddf4ff;border-radius:6px}
.finding{border-left:4px solid var(--line);padding:4px 12px;margin:12px 0}
.finding.error{border-color:var(--fail)}.finding.warning{border-color:#9a6700}.finding.note{border-color:#0969da}
.badge{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font-size:12px;font-weight:600;white-space:nowrap}
.badge.fail,.badge.error{background:var(--fail)}.badge.warning{background:#9a6700}.badge.note{background:#0969da}
.badge.pass{background:var(--pass)}.badge.skip{background:var(--skip)}.badge.unjudged{background:var(--error)}
.ship td:first-child,.ship td:nth-child(2){white-space:nowrap}
.ship .why p{margin:0}
.side{display:grid;grid-template-columns:1fr 1fr;gap:8px}
.diff{margin:4px 0 8px}.diff pre{padding:2px 8px}
.del{background:#ffebe9}.ins{background:#dafbe1}
td.duration{white-space:nowrap;font-variant-numeric:tabular-nums}
.bar{display:inline-block;width:160px;height:10px;margin-right:8px;background:#eaeef2;border-radius:2px;vertical-align:middle}
.bar span{display:block;height:100%;background:#8c959f;border-radius:2px}
svg text{font:12px system-ui,sans-serif}
)";

std::string_view status_color(GateStatus status) {
  switch (status) {
    case GateStatus::pass:
      return "var(--pass)";
    case GateStatus::fail:
      return "var(--fail)";
    case GateStatus::skip:
      return "var(--skip)";
    case GateStatus::error:
      return "var(--error)";
  }
  return "var(--skip)";
}

std::string counted(std::size_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

std::string migration_title(const MigrationEntry& m) {
  return m.name.empty() ? m.version : m.version + " " + m.name;
}

// A message or help text: its backtick code spans (`orders`) as <code>, the rest as text.
std::string rich_text(std::string_view text) {
  const std::string valid = valid_utf8(text);
  std::string out;
  for (const TextPiece& piece : code_spans(valid)) {
    if (piece.code) {
      out += "<code>" + escape_markup(piece.text) + "</code>";
    } else {
      out += escape_markup(piece.text);
    }
  }
  return out;
}

// Each finding's anchor, its place in report order: the verdict table links to its details.
class Anchors {
 public:
  explicit Anchors(const std::vector<const Finding*>& findings) {
    for (const Finding* f : findings) index_.emplace(f, index_.size() + 1);
  }
  std::string of(const Finding* f) const { return fmt::format("finding-{}", index_.at(f)); }

 private:
  std::unordered_map<const Finding*, std::size_t> index_;
};

void write_fact(std::ostream& out, std::string_view name, const std::string& value) {
  if (!value.empty()) out << "<div><dt>" << name << "</dt><dd>" << value << "</dd></div>";
}

void write_verdict(std::ostream& out, const Report& report, const Outcomes& all) {
  const Summary s = report.summary();
  const std::string_view word = s.passed ? "pass" : "fail";
  out << "<header class=\"verdict " << word << "\" id=\"verdict\"><h1>mgate: <span class=\"" << word
      << "-word\">" << (s.passed ? "PASS" : "FAIL") << "</span></h1><div>"
      << counted(s.errors, "error") << ", " << counted(s.warnings, "warning") << ", "
      << counted(s.notes, "note") << " in " << counted(all.gated, "gated migration") << '.';
  const auto held = std::count_if(all.migrations.begin(), all.migrations.end(),
                                  [](const MigrationOutcome& m) { return m.gated && m.failed; });
  if (held > 0) {
    out << " <b>" << held << " of " << all.gated << " must not ship.</b>";
  }
  out << "</div>\n<dl class=\"run\">";
  const auto code = [](const std::string& text) {
    return text.empty() ? text : "<code>" + escape_markup(text) + "</code>";
  };
  write_fact(out, "repository", code(report.root));
  write_fact(out, "commit", code(report.run.commit.substr(0, 12)));
  write_fact(out, "since", code(report.run.base));
  write_fact(out, "run at", escape_markup(report.run.time));
  write_fact(out, "mgate", escape_markup(report.tool_version));
  if (report.postgres) {
    write_fact(out, "PostgreSQL",
               escape_markup(report.postgres->version + " (" + report.postgres->provider + ")"));
  }
  out << "</dl></header>\n";
}

// The finding that decides a migration's verdict: the most severe, the first in report order
// among equals.
const Finding* worst(const std::vector<const Finding*>& findings) {
  const Finding* found = nullptr;
  for (const Finding* f : findings) {
    if (!found || f->level > found->level) found = f;
  }
  return found;
}

// A gate that could not run for a migration leaves it unjudged: the first such, or nothing.
const GateOutcome* unjudged_by(const std::vector<GateOutcome>& gates) {
  for (const GateOutcome& g : gates) {
    if (g.status == GateStatus::error) return &g;
  }
  return nullptr;
}

void write_ship_row(std::ostream& out, const Anchors& anchors, const std::string& title,
                    const MigrationOutcome& m) {
  const GateOutcome* unjudged = unjudged_by(m.gates);
  out << "<tr><td>" << title << "</td><td>";
  if (!m.gated) {
    out << "<span class=\"badge skip\">not gated</span>";
  } else if (m.failed) {
    out << "<span class=\"badge fail\">don’t ship</span>";
  } else if (unjudged) {
    out << "<span class=\"badge unjudged\">not judged</span>";
  } else {
    out << "<span class=\"badge pass\">ship</span>";
  }
  out << "</td><td class=\"why\">";
  if (const Finding* f = worst(m.findings)) {
    out << "<p><span class=\"badge " << to_string(f->level) << "\">" << to_string(f->level)
        << "</span> <a href=\"#" << anchors.of(f) << "\"><code>" << escape_markup(f->rule)
        << "</code></a> " << rich_text(f->message) << "</p>";
    if (!f->measured.empty()) {
      out << "<p class=\"measured\"><b>measured:</b> " << rich_text(f->measured) << "</p>";
    }
    if (m.findings.size() > 1) {
      out << "<p class=\"muted\">and " << counted(m.findings.size() - 1, "more finding") << "</p>";
    }
  } else if (!unjudged) {
    out << "<span class=\"muted\">no findings</span>";
  }
  if (unjudged && m.gated && !m.failed) {
    out << "<p>the " << escape_markup(unjudged->gate->gate) << " gate could not run"
        << (unjudged->reason.empty() ? "" : ": " + rich_text(unjudged->reason)) << "</p>";
  }
  out << "</td></tr>\n";
}

// What a release manager reads first: each migration in apply order, whether it is safe to
// ship, and the finding that says why not, with what the server measured.
void write_ship_table(std::ostream& out, const Anchors& anchors, const Outcomes& all) {
  if (all.migrations.empty() && all.set_findings.empty()) return;
  out << "<section id=\"migrations\"><h2>Migrations</h2>\n<table class=\"ship wide\"><tr>"
         "<th>migration</th><th>verdict</th><th>why</th></tr>\n";
  for (const MigrationOutcome& m : all.migrations) {
    write_ship_row(out, anchors,
                   "<code>" + escape_markup(m.migration->version) + "</code> " +
                       escape_markup(m.migration->name),
                   m);
  }
  if (!all.set_findings.empty()) {
    MigrationOutcome set{nullptr, true, false, all.set, all.set_findings};
    set.failed = std::any_of(all.set.begin(), all.set.end(),
                             [](const GateOutcome& g) { return g.status == GateStatus::fail; });
    write_ship_row(out, anchors, "<i>migration set</i>", set);
  }
  out << "</table></section>\n";
}

// One row per gated migration, one dot per gate in run order, joined by a line: where each
// migration stopped being safe, at a glance.
void write_timeline(std::ostream& out, const Report& report, const Outcomes& all) {
  if (all.migrations.empty() || report.gates.empty()) return;
  constexpr int kLabel = 260, kStep = 90, kRow = 28, kTop = 28;
  const int width = kLabel + kStep * static_cast<int>(report.gates.size());
  const int height = kTop + kRow * static_cast<int>(all.migrations.size()) + 8;
  out << "<section id=\"timeline\"><h2>Timeline</h2>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
      << fmt::format("width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\"", width, height, width,
                     height)
      << " role=\"img\" aria-label=\"gates per migration\">\n";
  for (std::size_t g = 0; g < report.gates.size(); ++g) {
    out << fmt::format("<text x=\"{}\" y=\"16\" text-anchor=\"middle\">{}</text>\n",
                       kLabel + kStep * g + kStep / 2, escape_markup(report.gates[g].gate));
  }
  for (std::size_t i = 0; i < all.migrations.size(); ++i) {
    const MigrationOutcome& m = all.migrations[i];
    const int y = kTop + kRow * static_cast<int>(i) + kRow / 2;
    out << fmt::format("<text x=\"0\" y=\"{}\" dominant-baseline=\"middle\">{}</text>\n", y,
                       escape_markup(migration_title(*m.migration)));
    out << fmt::format(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#d0d7de\" stroke-width=\"2\"/>\n",
        kLabel + kStep / 2, y, kLabel + kStep * (static_cast<int>(m.gates.size()) - 1) + kStep / 2,
        y);
    for (std::size_t g = 0; g < m.gates.size(); ++g) {
      const GateOutcome& step = m.gates[g];
      out << fmt::format(
          "<circle cx=\"{}\" cy=\"{}\" r=\"8\" fill=\"{}\"><title>{}: {}{}</title></circle>\n",
          kLabel + kStep * g + kStep / 2, y, status_color(step.status),
          escape_markup(step.gate->gate), to_string(step.status),
          step.findings.empty() ? "" : " (" + counted(step.findings.size(), "finding") + ")");
    }
  }
  out << "</svg>\n<div class=\"muted\">";
  for (GateStatus s : {GateStatus::pass, GateStatus::fail, GateStatus::skip, GateStatus::error}) {
    out << "<svg width=\"12\" height=\"12\"><circle cx=\"6\" cy=\"6\" r=\"5\" fill=\""
        << status_color(s) << "\"/></svg> " << to_string(s) << " &nbsp; ";
  }
  out << "</div></section>\n";
}

void write_table(std::ostream& out, const EvidenceTable& table) {
  if (!table.title.empty()) out << "<h4>" << escape_markup(table.title) << "</h4>\n";
  out << "<table><tr>";
  for (const auto& column : table.columns) out << "<th>" << escape_markup(column) << "</th>";
  out << "</tr>\n";
  for (const auto& row : table.rows) {
    out << "<tr>";
    for (const auto& value : row) out << "<td>" << escape_markup(value) << "</td>";
    out << "</tr>\n";
  }
  out << "</table>\n";
}

// A bar per value, scaled to the largest, with the median marked: timings at a glance.
void write_series(std::ostream& out, const EvidenceSeries& s) {
  constexpr int kWidth = 480, kHeight = 120, kPad = 20;
  const double top = std::max(s.max(), 1e-9);
  const double bar =
      static_cast<double>(kWidth - 2 * kPad) / std::max<std::size_t>(s.values.size(), 1);
  out << "<h4>" << escape_markup(s.title) << "</h4>\n"
      << fmt::format(
             "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 "
             "0 {0} {1}\" role=\"img\" aria-label=\"{2}\">\n",
             kWidth, kHeight + kPad, escape_markup(s.title));
  for (std::size_t i = 0; i < s.values.size(); ++i) {
    const double h = std::max(0.0, s.values[i]) / top * (kHeight - kPad);
    out << fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#0969da\">"
        "<title>{}</title></rect>\n",
        kPad + bar * i, kHeight - h, std::max(bar - 1, 1.0), h, number_text(s.values[i]));
  }
  const double median_y = kHeight - std::max(0.0, s.median()) / top * (kHeight - kPad);
  out << fmt::format(
      "<line x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\" stroke=\"#cf222e\" "
      "stroke-dasharray=\"4 3\"/>\n<text x=\"{0}\" y=\"{3}\">n={4} min={5} median={6} mean={7} "
      "max={8}</text>\n</svg>\n",
      kPad, median_y, kWidth - kPad, kHeight + kPad - 4, s.values.size(), number_text(s.min()),
      number_text(s.median()), number_text(s.mean()), number_text(s.max()));
}

// Open for errors: the evidence is what a release manager needs to judge them.
void write_evidence(std::ostream& out, const Evidence& evidence, bool open) {
  out << (open ? "<details open>" : "<details>") << "<summary>Evidence</summary>\n";
  if (!evidence.facts.rows.empty()) write_table(out, evidence.facts);
  for (const EvidenceTable& table : evidence.tables) write_table(out, table);
  for (const EvidenceComparison& c : evidence.comparisons) {
    out << "<h4>" << escape_markup(c.title) << "</h4>\n<div class=\"side\"><div><b>before</b><pre>"
        << escape_markup(c.before) << "</pre></div><div><b>after</b><pre>" << escape_markup(c.after)
        << "</pre></div></div>\n";
  }
  for (const EvidenceSeries& s : evidence.series) write_series(out, s);
  out << "</details>\n";
}

// A fix as a diff of the whole lines it changes, so the edit is read in its statement.
void write_fix(std::ostream& out, const Finding& f, const Fix& fix) {
  out << "<p><b>Fix:</b> " << rich_text(fix.description) << "</p>\n";
  for (const Edit& edit : fix.edits) {
    const bool elsewhere = !f.location || f.location->file != edit.location.file ||
                           f.location->start.line != edit.location.start.line;
    if (elsewhere) {
      out << "<div class=\"muted\">at <code>"
          << escape_markup(fmt::format("{}:{}:{}", edit.location.file, edit.location.start.line,
                                       edit.location.start.column))
          << "</code></div>\n";
    }
    const auto lines = in_place(edit);
    out << "<div class=\"diff\"><pre class=\"del\">- "
        << escape_markup(lines ? lines->before : edit.original) << "</pre><pre class=\"ins\">+ "
        << escape_markup(lines ? lines->after : edit.replacement) << "</pre></div>\n";
  }
}

void write_finding(std::ostream& out, const Anchors& anchors, const Finding& f) {
  const std::string_view level = to_string(f.level);
  out << "<div class=\"finding " << level << "\" id=\"" << anchors.of(&f)
      << "\"><span class=\"badge " << level << "\">" << level << "</span> ";
  if (f.location) {
    out << "<code>"
        << escape_markup(fmt::format("{}:{}:{}", f.location->file, f.location->start.line,
                                     f.location->start.column))
        << "</code> ";
  }
  out << "<code>" << escape_markup(f.rule) << "</code> <span class=\"muted\">("
      << escape_markup(f.gate) << " gate)</span>\n<p class=\"text\">" << rich_text(f.message)
      << "</p>\n";
  if (!f.measured.empty()) {
    out << "<p class=\"measured\"><b>measured:</b> " << rich_text(f.measured) << "</p>\n";
  }
  if (!f.help.empty()) out << "<p class=\"text\"><b>Instead:</b> " << rich_text(f.help) << "</p>\n";
  if (f.fix) write_fix(out, f, *f.fix);
  const Evidence evidence = present_evidence(report_evidence(f));
  if (!evidence.empty()) write_evidence(out, evidence, f.level == Level::error);
  out << "</div>\n";
}

void write_findings(std::ostream& out, const Anchors& anchors, const std::string& heading,
                    const std::vector<const Finding*>& findings) {
  if (findings.empty()) return;
  out << "<h3>" << escape_markup(heading) << "</h3>\n";
  for (const Finding* f : findings) write_finding(out, anchors, *f);
}

// Gate durations as bars: where the run spent its time.
void write_gates(std::ostream& out, const Report& report) {
  out << "<section id=\"gates\"><h2>Gates</h2>\n<table class=\"wide\"><tr><th>gate</th>"
         "<th>status</th><th>duration</th><th>note</th></tr>\n";
  long long longest = 1;
  for (const GateResult& gate : report.gates)
    longest = std::max<long long>(longest, gate.duration.count());
  for (const GateResult& gate : report.gates) {
    const std::string_view status = to_string(gate.status);
    // A gate that measures says what it measured (its summary) where others are silent.
    const std::string& note = gate.skip_reason.empty() ? gate.summary : gate.skip_reason;
    out << "<tr><td>" << escape_markup(gate.gate) << "</td><td><span class=\"badge "
        << (gate.status == GateStatus::error ? "fail" : std::string(status)) << "\">" << status
        << "</span></td><td class=\"duration\"><span class=\"bar\">"
        << fmt::format("<span style=\"width:{:.1f}%\"></span>",
                       100.0 * gate.duration.count() / longest)
        << "</span>" << gate.duration.count() << " ms</td><td>" << rich_text(note)
        << "</td></tr>\n";
  }
  out << "</table></section>\n";
}

class HtmlWriter final : public Writer {
 public:
  std::string_view format() const override { return "html"; }

  void write(const Report& report, std::ostream& out, const WriterOptions&) const override {
    const Outcomes all = outcomes(report);
    const Summary summary = report.summary();
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           // No favicon request: the file must open offline without a single failed load.
           "<link rel=\"icon\" href=\"data:,\">\n"
        << "<title>mgate report: " << (summary.passed ? "PASS" : "FAIL") << "</title>\n<style>"
        << kStyle << "</style>\n</head>\n<body>\n<main>\n";
    const auto findings = report.findings();
    const Anchors anchors(findings);
    write_verdict(out, report, all);
    write_ship_table(out, anchors, all);
    write_timeline(out, report, all);
    if (!findings.empty()) {
      out << "<section id=\"findings\"><h2>Findings</h2>\n";
      for (const MigrationOutcome& m : all.migrations) {
        write_findings(out, anchors, "Migration " + migration_title(*m.migration), m.findings);
      }
      write_findings(out, anchors, "Migration set", all.set_findings);
      out << "</section>\n";
    }
    write_gates(out, report);
    out << "</main>\n</body>\n</html>\n";
  }
};

}  // namespace

std::unique_ptr<Writer> make_html_writer() {
  return std::make_unique<HtmlWriter>();
}

}  // namespace mgate
