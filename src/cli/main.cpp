// mgate: a safety gate for PostgreSQL schema migrations. Exit codes: 0 passed, 1 a gate failed,
// 2 usage/config/input error, 3 environment error.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <csignal>
#include <iostream>
#include <string_view>

#include "cli/commands.hpp"
#include "core/config.hpp"
#include "core/heap.hpp"
#include "core/version.hpp"
#include "pg/teardown.hpp"
#include "sql/grammar.hpp"

static std::string version_text() {
  return fmt::format("mgate {}\nSQL grammar: PostgreSQL {} (libpg_query)", mgate::version(),
                     mgate::sql::grammar_version());
}

static int run(int argc, char** argv) {
  using namespace mgate;
  // `mgate version` answers before the command line's parser is built: building every command's
  // options was most of what the command cost once libpq stopped loading at start.
  if (argc == 2 && std::string_view(argv[1]) == "version") {
    std::cout << version_text() << "\n";
    return 0;
  }
  std::signal(SIGPIPE, SIG_IGN);    // a closed pipe (mgate lint | head) is a write error, not death
  pg::stop_everything_on_signal();  // before any other thread exists

  CLI::App app{"mgate: a safety gate for PostgreSQL schema migrations"};
  app.name("mgate");
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 passed; 1 a gate failed (a finding at or above --fail-on); 2 usage, "
      "configuration or input error; 3 environment error.\n"
      "Run 'mgate help <command>' (or 'mgate <command> --help') for a command's options. Docs: "
      "docs/ in the repository.");
  app.set_version_flag("--version", version_text());

  // Only the command named first is built, when it is one that runs alone: building every
  // command's options was a fifth of the instructions of `mgate lint` on one small file. Help,
  // completion and anything else (no command, an option, a misspelt command) list the commands,
  // so they get all of them.
  constexpr std::array<std::string_view, 9> kRunAlone = {
      "lint", "check", "baseline", "stats", "merge", "rules", "init", "hook", "version"};
  const std::string_view named = argc > 1 ? argv[1] : "";
  const bool all = std::find(kRunAlone.begin(), kRunAlone.end(), named) == kRunAlone.end();
  auto wanted = [&](std::string_view name) { return all || named == name; };

  LintCommand lint;
  CLI::App* lint_app = wanted("lint") ? add_lint_command(app, lint) : nullptr;
  CheckCommand check;
  CLI::App* check_app = wanted("check") ? add_check_command(app, check) : nullptr;
  CheckCommand baseline;
  CLI::App* baseline_app = wanted("baseline") ? add_baseline_command(app, baseline) : nullptr;
  StatsCommand stats;
  CLI::App* stats_app = wanted("stats") ? add_stats_command(app, stats) : nullptr;
  MergeCommand merge;
  CLI::App* merge_app = wanted("merge") ? add_merge_command(app, merge) : nullptr;
  RulesCommand rules;
  CLI::App* rules_app = wanted("rules") ? add_rules_command(app, rules) : nullptr;
  InitCommand init;
  CLI::App* init_app = wanted("init") ? add_init_command(app, init) : nullptr;
  HookCommand hook;
  hook.invoked_as = argc > 0 ? argv[0] : "";
  CLI::App* hook_app = wanted("hook") ? add_hook_command(app, hook) : nullptr;
  CompletionCommand completion;
  CLI::App* completion_app =
      wanted("completion") ? add_completion_command(app, completion) : nullptr;
  CLI::App* version_app =
      wanted("version")
          ? app.add_subcommand("version",
                               "Print mgate's version and the PostgreSQL grammar it parses")
          : nullptr;
  HelpCommand help;
  CLI::App* help_app = wanted("help") ? add_help_command(app, help) : nullptr;
  auto ran = [](const CLI::App* command) { return command != nullptr && command->parsed(); };

  try {
    reject_unknown_command(app, argc, argv);
    app.parse(argc, argv);
    if (ran(lint_app)) return run_lint(lint);
    if (ran(check_app)) return run_check(check);
    if (ran(baseline_app)) return run_baseline(baseline);
    if (ran(stats_app)) return run_stats(stats);
    if (ran(merge_app)) return run_merge(merge);
    if (ran(rules_app)) return run_rules(rules);
    if (ran(init_app)) return run_init(init);
    if (ran(hook_app)) return run_hook(hook);
    if (ran(completion_app)) return run_completion(completion, app);
    if (ran(help_app)) return run_help(help, app);
    if (ran(version_app)) std::cout << version_text() << "\n";
    return 0;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "mgate: error: " << e.what() << " (run 'mgate --help')\n";
    return 2;
  } catch (const InputError& e) {
    std::cerr << "mgate: error: " << e.what() << "\n";
    return 2;
  } catch (const EnvironmentError& e) {
    std::cerr << "mgate: environment error: " << e.what() << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "mgate: internal error: " << e.what() << "\n";
    return 3;
  }
}

int main(int argc, char** argv) {
  mgate::keep_freed_memory_on_heap();
  int code = run(argc, argv);
  mgate::pg::wait_for_signal_teardown();
  return code;
}
