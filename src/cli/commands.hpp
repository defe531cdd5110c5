#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/report_output.hpp"

namespace mgate {

struct LintCommand {
  std::vector<std::string> paths;
  std::string config;
  std::string layout;
  std::string fail_on = "error";
  std::string since;
  bool staged = false;
  bool quiet = false;
  std::vector<std::string> gates;
  int pg_version = 0;  // 0: the config's
  std::string color = "auto";
  OutputRequest output;
};

struct RulesCommand {
  std::string id;
};

struct HookCommand {
  bool force = false;
};

struct InitCommand {
  std::string dir;     // empty: found in the usual places
  std::string layout;  // empty: detected
};

struct CompletionCommand {
  std::string shell;
};

// Each add_* declares a command's options on `app`; each run_* runs it and returns the exit code.
CLI::App* add_lint_command(CLI::App& app, LintCommand& command);
int run_lint(const LintCommand& command);

CLI::App* add_rules_command(CLI::App& app, RulesCommand& command);
int run_rules(const RulesCommand& command);

// Returns the `hook install` subcommand.
CLI::App* add_hook_command(CLI::App& app, HookCommand& command);
int run_hook_install(const HookCommand& command);

CLI::App* add_init_command(CLI::App& app, InitCommand& command);
int run_init(const InitCommand& command);

CLI::App* add_completion_command(CLI::App& app, CompletionCommand& command);
int run_completion(const CompletionCommand& command, const CLI::App& app);

}  // namespace mgate
