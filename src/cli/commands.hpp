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
  std::vector<std::string> gates;
  int pg_version = 0;  // 0: the config's
  std::string color = "auto";
  OutputRequest output;
};

struct RulesCommand {
  std::string id;
};

// Each add_* declares a command's options on `app`; each run_* runs it and returns the exit code.
CLI::App* add_lint_command(CLI::App& app, LintCommand& command);
int run_lint(const LintCommand& command);

CLI::App* add_rules_command(CLI::App& app, RulesCommand& command);
int run_rules(const RulesCommand& command);

}  // namespace mgate
