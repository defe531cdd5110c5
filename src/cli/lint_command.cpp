#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <utility>

#include "cli/commands.hpp"
#include "cli/run_fingerprint.hpp"
#include "cli/staged.hpp"
#include "cli/targets.hpp"
#include "core/layout.hpp"
#include "gates/gate.hpp"
#include "gates/history.hpp"
#include "gates/pipeline.hpp"
#include "gates/report_merge.hpp"
#include "gates/shard.hpp"
#include "sql/parsed_set.hpp"
#include "vcs/git.hpp"
#include "vcs/head_commit.hpp"

namespace mgate {
namespace {

ColorMode parse_color(const std::string& text) {
  if (text == "always") return ColorMode::always;
  if (text == "never") return ColorMode::never;
  return ColorMode::automatic;
}

// A fix is shown in place: every edit with the whole lines it changes.
void quote_fix_lines(Report& report, const sql::ParsedSet& parsed) {
  for (GateResult& gate : report.gates) {
    for (Finding& f : gate.findings) {
      if (!f.fix) continue;
      std::set<std::string> files;
      for (const Edit& edit : f.fix->edits) files.insert(edit.location.file);
      for (const std::string& file : files) {
        try {
          quote_lines(f, parsed.file(file));
        } catch (const std::out_of_range&) {
          // A file the set did not read: the report shows the edit without its lines.
        }
      }
    }
  }
}

// When a run started, as ISO 8601 UTC; SOURCE_DATE_EPOCH (seconds) fixes it, so that two runs
// on one commit write identical reports.
std::string start_time() {
  std::time_t now = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch != nullptr && *epoch != '\0') {
    char* end = nullptr;
    const long long seconds = std::strtoll(epoch, &end, 10);
    if (*end != '\0' || seconds < 0) {
      throw InputError(
          fmt::format("SOURCE_DATE_EPOCH='{}': it must be a number of seconds since 1970", epoch));
    }
    now = static_cast<std::time_t>(seconds);
  }
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

// What a report's header says of the run: the commit checked out, the --since base, the time.
RunContext run_context(const LintCommand& c, const Config& config) {
  RunContext run;
  run.base = c.since;
  run.time = start_time();
  // Outside a work tree, on a branch without a commit, or without git, the report names none.
  run.commit = git::head_commit(config.root).value_or("");
  return run;
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

void check_stdin_use(const LintCommand& c, bool from_stdin) {
  if (std::count(c.paths.begin(), c.paths.end(), kStdinPath) > 1) {
    throw InputError("- (standard input) is given twice: it can be read once");
  }
  if (!from_stdin && !c.stdin_filename.empty()) {
    throw InputError("--stdin-filename names the SQL read from standard input: add - to the PATHs");
  }
  if (from_stdin && c.staged) {
    throw InputError(
        "--staged judges files in the git index; standard input is none: drop - or --staged");
  }
}

std::string read_stdin() {
  std::string text{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  if (std::cin.bad()) throw InputError("cannot read standard input");
  return text;
}

// Loose SQL is no history: the gates that judge one (naming, history, rollback) skip it.
std::vector<std::string> gates_for_loose_sql(const LintCommand& c, const Config& config) {
  static const std::set<std::string_view> history_gates = {"naming", "history", "rollback"};
  std::vector<std::string> wanted = c.gates.empty() ? config.gates.run : c.gates;
  if (wanted.empty()) {
    for (const auto& gate : all_gates()) wanted.emplace_back(gate->name());
  }
  std::erase_if(wanted, [](const std::string& name) { return history_gates.count(name) > 0; });
  return wanted;
}

}  // namespace

void add_gate_options(CLI::App* cmd, LintCommand& c) {
  cmd->add_option("PATH", c.paths,
                  "Migrations directory, or files: a migration (the rest of its directory is "
                  "context) or any SQL file, whatever its name; - reads SQL from standard input. "
                  "Default: [migrations] dir of mgate.toml");
  cmd->add_option("--stdin-filename", c.stdin_filename,
                  "The file name reports give the SQL read from standard input (PATH -), e.g. "
                  "the migration it was printed from. Default: <stdin>");
  cmd->add_option("--config", c.config,
                  "mgate.toml to use (default: the nearest one above the "
                  "working directory)");
  cmd->add_option("--layout", c.layout, fmt::format("Migration layout: auto, {}", layout_list()));
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
  cmd->add_option("--shard", c.shard,
                  "K/N: check only shard K of N, one contiguous range of the gated migrations "
                  "(balanced by estimated cost; the earlier ones are applied unchecked), for a CI "
                  "matrix; combine the N JSON reports with mgate merge (docs/ci.md)")
      ->check(CLI::Validator(
          [](std::string& text) {
            try {
              parse_shard(text);
              return std::string();
            } catch (const InputError& e) {
              return std::string(e.what());
            }
          },
          "K/N"));
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
  options.fail_on = parse_fail_on(c.fail_on).value_or(FailOn::error);
  options.dynamic = postgres != nullptr;
  options.postgres = postgres;
  options.jobs = jobs;
  if (!c.shard.empty()) options.shard = parse_shard(c.shard);

  const bool from_stdin = std::count(c.paths.begin(), c.paths.end(), kStdinPath) > 0;
  check_stdin_use(c, from_stdin);
  std::optional<git::Repository> repository;
  if (c.staged) repository.emplace(config.root);
  const std::vector<Target> targets = c.staged && c.paths.empty()
                                          ? staged_targets(config, *repository)
                                          : resolve_targets(config, c.paths);

  Report report;
  report.run = run_context(c, config);
  RunFingerprint fingerprint(config, c);
  std::vector<LooseSql> loose;
  for (const Target& target : targets) {
    std::vector<std::string> loose_files;
    MigrationSet set = discover_target(config, target, layout, c.staged, loose_files);
    refuse_overwriting_inputs(c.output, config, set);
    // Named files that are no migration of their directory leave nothing of it to judge.
    const bool judged =
        !set.strays.empty() || std::any_of(set.migrations.begin(), set.migrations.end(),
                                           [](const Migration& m) { return m.gated; });
    if (!c.since.empty()) mark_gated_since(set, config.root, c.since, c.staged);
    StagedView staged;
    if (c.staged) {
      staged = read_staged_view(*repository, target);
      keep_staged(set, staged);
    }
    sql::FileReader reader =
        c.staged ? staged_reader(staged)
                 : sql::working_tree_reader(config.root, std::exchange(set.texts, {}));
    for (std::string& file : loose_files) {
      std::string text = reader(file);
      loose.push_back({std::move(file), std::move(text), false});
    }
    if (target.named && !target.files.empty() && !judged) continue;
    sql::ParsedSet parsed(set, reader, options.pg_version);
    fingerprint.add(set, parsed);
    Report part = run_pipeline(config, set, parsed, options);
    quote_fix_lines(part, parsed);
    part.layouts.push_back(
        {set.dir, set.layout, layout == "auto", static_cast<int>(set.migrations.size())});
    merge_directory(report, std::move(part));
  }
  if (from_stdin) {
    const std::string name = c.stdin_filename.empty() ? std::string(kStdinName)
                                                      : relative_to(config.root, c.stdin_filename);
    loose.push_back({name, read_stdin(), true});
  }
  fingerprint.add(loose);
  report.fingerprint = fingerprint.hex();
  if (options.shard && !report.shard) {
    report.shard = ShardInfo{options.shard->index, options.shard->count, {}};
  }
  // The hook on a commit that stages no migration: nothing to judge, an empty report that passes.
  if (loose.empty()) return report;
  for (const LooseSql& sql : loose) check_loose_sql(config, sql);
  options.gates = gates_for_loose_sql(c, config);
  if (options.gates.empty()) return report;
  const MigrationSet set = loose_sql_set(loose);
  refuse_overwriting_inputs(c.output, config, set);
  sql::ParsedSet parsed(
      set,
      [&](const std::string& file) {
        auto it = std::find_if(loose.begin(), loose.end(),
                               [&](const LooseSql& sql) { return sql.file == file; });
        return it->text;
      },
      options.pg_version);
  Report part = run_pipeline(config, set, parsed, options);
  quote_fix_lines(part, parsed);
  part.fingerprint = report.fingerprint;
  merge_directory(report, std::move(part));
  return report;
}

OutputRequest output_request(OutputRequest output, const std::string& color) {
  output.color = parse_color(color);
  validate_outputs(output);
  return output;
}

int run_lint(const LintCommand& c) {
  refuse_dynamic_gates(c);
  OutputRequest output = output_request(c.output, c.color);
  Config config = resolve_config(c.config);
  // The report is the run's last use of its memory, and the process exits next: its thousands of
  // findings are not freed one by one (2-3 ms of a lint run on a history of 800 migrations), but
  // with the process. It stays reachable from here, which LeakSanitizer does not count as a leak.
  static const Report* kept = nullptr;
  kept = new Report(run_gates(c, config, nullptr, 1));
  return write_report(std::move(output), *kept, c.quiet);
}

int write_report(OutputRequest output, const Report& report, bool quiet) {
  const bool passed = report.summary().passed;
  if (quiet && passed) output.stdout_format.clear();
  write_outputs(report, output);
  return passed ? 0 : 1;
}

}  // namespace mgate
