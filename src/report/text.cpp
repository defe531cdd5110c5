// The human report: compiler-style lines that editors and terminals turn into links.
#include <algorithm>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "report/in_place.hpp"
#include "report/writer.hpp"

namespace mgate {
namespace {

// ANSI styles; every one is empty when colour is off, so the layout code never branches on it.
struct Style {
  std::string_view bold, red, green, yellow, cyan, reset;

  static Style make(bool color) {
    if (!color) return {};
    return {"\x1b[1m", "\x1b[1;31m", "\x1b[1;32m", "\x1b[1;33m", "\x1b[1;36m", "\x1b[0m"};
  }
  std::string_view of(Level level) const {
    switch (level) {
      case Level::error:
        return red;
      case Level::warning:
        return yellow;
      case Level::note:
        return cyan;
    }
    return red;
  }
  std::string_view of(GateStatus status) const {
    switch (status) {
      case GateStatus::pass:
        return green;
      case GateStatus::skip:
        return yellow;
      case GateStatus::fail:
      case GateStatus::error:
        return red;
    }
    return red;
  }
};

// Writes `text`, repeating `indent` after every line break so a multi-line message (a
// PostgreSQL error with its DETAIL) stays inside its finding.
void write_indented(std::ostream& out, std::string_view text, std::string_view indent) {
  std::size_t start = 0;
  for (std::size_t nl; (nl = text.find('\n', start)) != std::string_view::npos; start = nl + 1) {
    out << text.substr(start, nl - start) << '\n' << indent;
  }
  out << text.substr(start);
}

// One diff line per line of `text`: "- old" or "+ new". A final line break ends the last line
// instead of opening an empty one.
void write_diff_side(std::ostream& out, std::string_view text, char sign, std::string_view color,
                     std::string_view reset) {
  if (text.empty()) return;
  if (text.back() == '\n') text.remove_suffix(1);
  std::size_t start = 0;
  while (true) {
    std::size_t nl = text.find('\n', start);
    std::string_view line = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out << "    " << color << sign << ' ' << line << reset << '\n';
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
}

void write_position(std::ostream& out, const std::string& file, const Position& at) {
  out << file << ':' << at.line << ':' << at.column;
}

void write_fix(std::ostream& out, const Fix& fix, const Finding& finding, const Style& style) {
  out << "  " << style.bold << "fix:" << style.reset << ' ' << fix.description << '\n';
  for (const Edit& edit : fix.edits) {
    // An edit away from the finding's own line says where it goes.
    const bool elsewhere = !finding.location || finding.location->file != edit.location.file ||
                           finding.location->start.line != edit.location.start.line;
    if (elsewhere) {
      out << "    --> ";
      write_position(out, edit.location.file, edit.location.start);
      out << '\n';
    }
    // The whole lines when the report has them: the edit in its statement.
    const auto lines = in_place(edit);
    write_diff_side(out, lines ? lines->before : edit.original, '-', style.red, style.reset);
    write_diff_side(out, lines ? lines->after : edit.replacement, '+', style.green, style.reset);
  }
}

// Lines of `text`, without a final empty one.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// A finding's plan comparison (the plans gate): the two trees side by side.
void write_plans(std::ostream& out, const PlanComparison& plan, const Style& style) {
  const auto left = lines_of(plan.before);
  const auto right = lines_of(plan.after);
  std::size_t width = std::string_view("plan before").size();
  for (std::string_view line : left) width = std::max(width, line.size());
  out << "  " << style.bold << fmt::format("{:<{}}", "plan before", width) << " | plan after"
      << style.reset << '\n';
  for (std::size_t i = 0; i < std::max(left.size(), right.size()); ++i) {
    std::string_view l = i < left.size() ? left[i] : "";
    std::string_view r = i < right.size() ? right[i] : "";
    out << "  " << fmt::format("{:<{}}", l, width) << " | " << r << '\n';
  }
}

void write_finding(std::ostream& out, const Finding& f, const Style& style) {
  out << style.bold;
  if (f.location) {
    write_position(out, f.location->file, f.location->start);
  } else {
    out << "mgate";
  }
  out << ':' << style.reset << ' ' << style.of(f.level) << to_string(f.level) << ':' << style.reset
      << ' ';
  write_indented(out, f.message, "  ");
  out << " [" << f.rule << "]\n";
  if (!f.measured.empty()) {
    out << "  " << style.bold << "measured:" << style.reset << ' ';
    write_indented(out, f.measured, "            ");
    out << '\n';
  }
  if (!f.help.empty()) {
    out << "  " << style.bold << "help:" << style.reset << ' ';
    write_indented(out, f.help, "        ");
    out << '\n';
  }
  if (f.fix) write_fix(out, *f.fix, f, style);
  if (f.plan) write_plans(out, *f.plan, style);
}

void write_gates(std::ostream& out, const std::vector<GateResult>& gates, const Style& style) {
  std::size_t width = 0;
  for (const auto& gate : gates) width = std::max(width, gate.gate.size());
  for (const auto& gate : gates) {
    out << fmt::format("{:<{}} ", gate.gate, width) << style.of(gate.status)
        << fmt::format("{:<5}", to_string(gate.status)) << style.reset << ' '
        << gate.duration.count() << " ms";
    if (!gate.skip_reason.empty()) out << "  (" << gate.skip_reason << ')';
    if (!gate.summary.empty()) out << "  " << gate.summary;
    out << '\n';
  }
}

std::string quantity(int n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

// Which layout read each migrations directory: what `auto` picked is the first thing to check
// when findings look like a misreading.
void write_layouts(std::ostream& out, const std::vector<LayoutChoice>& layouts) {
  for (const LayoutChoice& l : layouts) {
    out << l.dir << ": " << quantity(l.migrations, "migration") << ", " << l.layout << " layout"
        << (l.detected ? " (detected)" : "") << '\n';
  }
}

// Which part of a sharded run this is, or how many parts a merged report combines.
void write_shard(std::ostream& out, const Report& report) {
  if (report.merged_shards > 0) {
    out << "merged from " << quantity(report.merged_shards, "shard") << '\n';
  }
  if (!report.shard) return;
  out << "shard " << report.shard->index << '/' << report.shard->count << ": ";
  if (report.shard->ranges.empty()) {
    out << "no gated migration falls in this shard: nothing to check\n";
    return;
  }
  std::string separator;
  for (const ShardRange& r : report.shard->ranges) {
    out << separator << "migrations " << r.first << " to " << r.last << " (" << r.migrations
        << " gated)";
    separator = ", ";
  }
  out << '\n';
}

void write_verdict(std::ostream& out, const Report& report, const Style& style) {
  const Summary summary = report.summary();
  const auto gated = std::count_if(report.migrations.begin(), report.migrations.end(),
                                   [](const MigrationEntry& m) { return m.gated; });
  out << style.bold << "mgate:" << style.reset << ' ' << quantity(summary.errors, "error") << ", "
      << quantity(summary.warnings, "warning");
  if (summary.notes > 0) out << ", " << quantity(summary.notes, "note");
  out << " in " << quantity(static_cast<int>(gated), "migration") << ": "
      << (summary.passed ? style.green : style.red) << (summary.passed ? "PASS" : "FAIL")
      << style.reset << '\n';
}

class TextWriter final : public Writer {
 public:
  std::string_view format() const override { return "text"; }

  void write(const Report& report, std::ostream& out, const WriterOptions& options) const override {
    const Style style = Style::make(options.color);
    const auto findings = report.findings();
    for (const Finding* f : findings) write_finding(out, *f, style);
    if (!findings.empty()) out << '\n';
    write_layouts(out, report.layouts);
    write_shard(out, report);
    write_gates(out, report.gates, style);
    write_verdict(out, report, style);
  }
};

}  // namespace

std::unique_ptr<Writer> make_text_writer() {
  return std::make_unique<TextWriter>();
}

}  // namespace mgate
