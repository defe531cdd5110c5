#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>

#include "cli/commands.hpp"
#include "cli/staged.hpp"
#include "cli/targets.hpp"
#include "gates/gate.hpp"
#include "gates/history.hpp"
#include "gates/pipeline.hpp"
#include "sql/parsed_set.hpp"
#include "vcs/git.hpp"

namespace mgate {
namespace {

FailOn parse_fail_on(const std::string& text) {
  if (text == "error") return FailOn::error;
  if (text == "warning") return FailOn::warning;
  return FailOn::never;
}

ColorMode parse_color(const std::string& text) {
  if (text == "always") return ColorMode::always;
  if (text == "never") return ColorMode::never;
  return ColorMode::automatic;
}

// Several directories make one report: their gates' findings side by side.
void merge_into(Report& total, Report&& part) {
  if (total.gates.empty() && total.migrations.empty()) {
    total = std::move(part);
    return;
  }
  std::move(part.layouts.begin(), part.layouts.end(), std::back_inserter(total.layouts));
  std::move(part.migrations.begin(), part.migrations.end(), std::back_inserter(total.migrations));
  total.rules.merge(part.rules);
  for (GateResult& gate : part.gates) {
    auto same = std::find_if(total.gates.begin(), total.gates.end(),
                             [&](const GateResult& g) { return g.gate == gate.gate; });
    if (same == total.gates.end()) {
      total.gates.push_back(std::move(gate));
      continue;
    }
    same->duration += gate.duration;
    if (gate.status > same->status) same->status = gate.status;
    std::move(gate.findings.begin(), gate.findings.end(), std::back_inserter(same->findings));
  }
}

// `mgate lint --gates forward` would run nothing and pass: lint never starts PostgreSQL.
void refuse_dynamic_gates(const LintCommand& c) {
  std::vector<std::string> dynamic;
  for (const std::string& name : c.gates) {
    const Gate* gate = find_gate(name);
    if (gate && gate->dynamic()) dynamic.push_back(name);
  }
  if (dynamic.empty()) return;
  std::vector<std::string> static_gates;
  for (const auto& gate : all_gates()) {
    if (!gate->dynamic()) static_gates.emplace_back(gate->name());
  }
  throw InputError(fmt::format(
      "--gates {}: {} on PostgreSQL, which mgate lint never starts (it runs {}): use "
      "'mgate check --gates {}'",
      fmt::join(dynamic, ","),
      dynamic.size() == 1 ? "this gate runs the migrations" : "these gates run the migrations",
      fmt::join(static_gates, ", "), fmt::join(c.gates, ",")));
}

}  // namespace

void add_gate_options(CLI::App* cmd, LintCommand& c) {
  cmd->add_option("PATH", c.paths,
                  "Migrations directory, or migration files (the rest of their directory is "
                  "context). Default: [migrations] dir of mgate.toml");
  cmd->add_option("--config", c.config,
                  "mgate.toml to use (default: the nearest one above the "
                  "working directory)");
  cmd->add_option(
      "--layout", c.layout,
      "Migration layout: auto, plain, golang-migrate, flyway, dbmate, diesel, goose, sqitch");
  add_output_options(*cmd, c.output);
  cmd->add_option("--fail-on", c.fail_on,
                  "Lowest finding level that fails the run (exit 1): error, warning, never")
      ->check(CLI::IsMember({"error", "warning", "never"}))
      ->capture_default_str();
  cmd->add_option("--since", c.since,
                  "Git ref of the base: migrations added since it are gated, earlier ones must be "
                  "unchanged");
  cmd->add_flag("--staged", c.staged,
                "Judge the content staged in the git index, not the working tree (pre-commit). "
                "With no PATH: only the staged files of the [migrations] dir are gated");
  cmd->add_flag("-q,--quiet", c.quiet,
                "Write nothing to stdout when the run passes (--output files are still written)");
  cmd->add_option("--gates", c.gates, "Gates to run, comma-separated (default: [gates] run)")
      ->delimiter(',');
  cmd->add_option(
         "--pg-version", c.pg_version,
         "PostgreSQL major version the migrations target (default: [postgres] version, 15)")
      ->check(CLI::Range(9, 99));
  cmd->add_option("--color", c.color, "Colour in text output: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
}

CLI::App* add_lint_command(CLI::App& app, LintCommand& c) {
  CLI::App* cmd = app.add_subcommand("lint",
                                     "Run the static gates (naming, history, lint): no database, "
                                     "fast enough for a pre-commit hook");
  add_gate_options(cmd, c);
  return cmd;
}

Report run_gates(const LintCommand& c, const Config& config, pg::EphemeralServer* postgres,
                 int jobs) {
  std::string layout = c.layout.empty() ? config.migrations.layout : c.layout;
  PipelineOptions options;
  options.gates = c.gates;
  options.since = c.since;
  options.staged = c.staged;
  options.pg_version = c.pg_version ? c.pg_version : config.postgres.version;
  options.fail_on = parse_fail_on(c.fail_on);
  options.dynamic = postgres != nullptr;
  options.postgres = postgres;
  options.jobs = jobs;

  std::optional<git::Repository> repository;
  if (c.staged) repository.emplace(config.root);
  const std::vector<Target> targets = c.staged && c.paths.empty()
                                          ? staged_targets(config, *repository)
                                          : resolve_targets(config, c.paths);
  // The hook on a commit that stages no migration: nothing to judge, an empty report that passes.
  if (targets.empty()) return {};

  Report report;
  for (const Target& target : targets) {
    MigrationSet set = discover_target(config, target, layout);
    if (!c.since.empty()) mark_gated_since(set, config.root, c.since, c.staged);
    StagedView staged;
    if (c.staged) {
      staged = read_staged_view(*repository, target);
      keep_staged(set, staged);
    }
    sql::FileReader reader =
        c.staged ? staged_reader(staged) : sql::working_tree_reader(config.root);
    sql::ParsedSet parsed(set, reader);
    Report part = run_pipeline(config, set, parsed, options);
    part.layouts.push_back(
        {set.dir, set.layout, layout == "auto", static_cast<int>(set.migrations.size())});
    merge_into(report, std::move(part));
  }
  return report;
}

OutputRequest output_request(const LintCommand& c) {
  OutputRequest output = c.output;
  output.color = parse_color(c.color);
  validate_outputs(output);
  return output;
}

int run_lint(const LintCommand& c) {
  refuse_dynamic_gates(c);
  OutputRequest output = output_request(c);
  Config config = resolve_config(c.config);
  Report report = run_gates(c, config, nullptr, 1);
  return write_report(c, std::move(output), report);
}

int write_report(const LintCommand& c, OutputRequest output, const Report& report) {
  const bool passed = report.summary().passed;
  if (c.quiet && passed) output.stdout_format.clear();
  write_outputs(report, output);
  return passed ? 0 : 1;
}

}  // namespace mgate
