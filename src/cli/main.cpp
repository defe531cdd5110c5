// mgate: a safety gate for PostgreSQL schema migrations. Exit codes: 0 passed, 1 a gate failed,
// 2 usage/config/input error, 3 environment error.
#include <fmt/core.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <string_view>

#include "cli/commands.hpp"
#include "core/config.hpp"
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

  LintCommand lint;
  CLI::App* lint_app = add_lint_command(app, lint);
  CheckCommand check;
  CLI::App* check_app = add_check_command(app, check);
  CheckCommand baseline;
  CLI::App* baseline_app = add_baseline_command(app, baseline);
  StatsCommand stats;
  CLI::App* stats_app = add_stats_command(app, stats);
  MergeCommand merge;
  CLI::App* merge_app = add_merge_command(app, merge);
  RulesCommand rules;
  CLI::App* rules_app = add_rules_command(app, rules);
  InitCommand init;
  CLI::App* init_app = add_init_command(app, init);
  HookCommand hook;
  hook.invoked_as = argc > 0 ? argv[0] : "";
  CLI::App* hook_app = add_hook_command(app, hook);
  CompletionCommand completion;
  CLI::App* completion_app = add_completion_command(app, completion);
  CLI::App* version_app =
      app.add_subcommand("version", "Print mgate's version and the PostgreSQL grammar it parses");
  HelpCommand help;
  CLI::App* help_app = add_help_command(app, help);

  try {
    reject_unknown_command(app, argc, argv);
    app.parse(argc, argv);
    if (lint_app->parsed()) return run_lint(lint);
    if (check_app->parsed()) return run_check(check);
    if (baseline_app->parsed()) return run_baseline(baseline);
    if (stats_app->parsed()) return run_stats(stats);
    if (merge_app->parsed()) return run_merge(merge);
    if (rules_app->parsed()) return run_rules(rules);
    if (init_app->parsed()) return run_init(init);
    if (hook_app->parsed()) return run_hook(hook);
    if (completion_app->parsed()) return run_completion(completion, app);
    if (help_app->parsed()) return run_help(help, app);
    if (version_app->parsed()) std::cout << version_text() << "\n";
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
  int code = run(argc, argv);
  mgate::pg::wait_for_signal_teardown();
  return code;
}
