#pragma once
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "cli/report_output.hpp"
#include "core/config.hpp"
#include "core/report.hpp"

namespace mgate {

namespace pg {
class EphemeralServer;
}

struct LintCommand {
  std::vector<std::string> paths;  // `-` is standard input
  std::string stdin_filename;      // how reports name standard input
  std::string config;
  std::string layout;
  std::string fail_on = "error";
  std::string since;
  bool staged = false;
  bool quiet = false;
  std::vector<std::string> gates;
  int pg_version = 0;  // 0: the config's
  std::string color = "auto";
  std::string shard;  // --shard K/N; empty: the whole check
  OutputRequest output;
};

// --jobs when not given: one session per hardware thread.
int default_jobs();

// mgate check: the lint options plus where PostgreSQL comes from.
struct CheckCommand {
  LintCommand gates;
  std::string provider;       // empty: [postgres] provider, or external when a URL is given
  std::string database_url;   // empty: [postgres] url
  std::string pg_bin;         // empty: [postgres] bin_dir
  int jobs = default_jobs();  // --jobs: sessions the dynamic gates may use at once
};

// mgate stats: production's row counts and sizes (docs/stats.md).
struct StatsCommand {
  std::string database_url;
  std::string output;  // empty: stdout
  bool print_query = false;
};

// mgate merge: one report from the JSON reports of a run's shards.
struct MergeCommand {
  std::vector<std::string> reports;
  bool quiet = false;
  std::string color = "auto";
  OutputRequest output;
};

struct RulesCommand {
  std::string id;
};

struct HookCommand {
  enum class Action { install, uninstall };
  Action action = Action::install;
  bool force = false;      // install: replace a hook that is not mgate's
  std::string invoked_as;  // argv[0]: which mgate the installed hook runs
};

struct InitCommand {
  std::string dir;     // empty: found in the usual places
  std::string layout;  // empty: detected
};

struct CompletionCommand {
  std::string shell;
};

struct HelpCommand {
  std::vector<std::string> command;  // empty: mgate's own help
};

// Each add_* declares a command's options on `app`; each run_* runs it and returns the exit code.
CLI::App* add_lint_command(CLI::App& app, LintCommand& command);
int run_lint(const LintCommand& command);

CLI::App* add_check_command(CLI::App& app, CheckCommand& command);
int run_check(const CheckCommand& command);
// What check and baseline share: where the server comes from, and starting it.
void add_server_options(CLI::App* command, CheckCommand& options);
std::unique_ptr<pg::EphemeralServer> start_server(const CheckCommand& options,
                                                  const Config& config);

// mgate baseline: the plans gate's measurements recorded into [plans] baseline.
CLI::App* add_baseline_command(CLI::App& app, CheckCommand& command);
int run_baseline(const CheckCommand& command);

// What lint and check share: their options, the output request they make, and running the
// pipeline over every target (the dynamic gates too when `postgres` is given).
void add_gate_options(CLI::App* command, LintCommand& options);
// --format, --output and --color as given, checked before any work is done.
OutputRequest output_request(OutputRequest output, const std::string& color);
// Writes the report to stdout and the --output files (stdout stays silent for --quiet on a
// passing run) and returns the exit code: 0 passed, 1 a gate failed.
int write_report(OutputRequest output, const Report& report, bool quiet);
// `jobs` is how many sessions the dynamic gates may use at once (--jobs).
Report run_gates(const LintCommand& options, const Config& config, pg::EphemeralServer* postgres,
                 int jobs);

CLI::App* add_stats_command(CLI::App& app, StatsCommand& command);
int run_stats(const StatsCommand& command);
CLI::App* add_merge_command(CLI::App& app, MergeCommand& command);
int run_merge(const MergeCommand& command);

CLI::App* add_rules_command(CLI::App& app, RulesCommand& command);
int run_rules(const RulesCommand& command);

// `hook install` and `hook uninstall`; returns the `hook` command.
CLI::App* add_hook_command(CLI::App& app, HookCommand& command);
int run_hook(const HookCommand& command);

CLI::App* add_init_command(CLI::App& app, InitCommand& command);
int run_init(const InitCommand& command);

CLI::App* add_completion_command(CLI::App& app, CompletionCommand& command);
int run_completion(const CompletionCommand& command, const CLI::App& app);

CLI::App* add_help_command(CLI::App& app, HelpCommand& command);
int run_help(const HelpCommand& command, const CLI::App& app);
// Throws InputError, naming the nearest command, when the first argument is no command of
// `app` (CLI11 would only say that a subcommand is required).
void reject_unknown_command(const CLI::App& app, int argc, char** argv);

}  // namespace mgate
