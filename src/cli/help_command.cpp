// `mgate help [COMMAND]`, and the answer to a command mgate does not have.
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/commands.hpp"
#include "core/config.hpp"
#include "core/suggest.hpp"

namespace mgate {
namespace {

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

[[noreturn]] void unknown_command(const CLI::App& parent, const std::string& prefix,
                                  const std::string& name) {
  const std::vector<std::string> names = command_names(parent);
  const auto nearest = nearest_name(name, names);
  throw InputError(fmt::format("unknown command '{}'{}: {} has {} (run 'mgate help')", name,
                               nearest ? fmt::format(" (did you mean '{}'?)", *nearest) : "",
                               prefix, fmt::join(names, ", ")));
}

}  // namespace

CLI::App* add_help_command(CLI::App& app, HelpCommand& c) {
  CLI::App* cmd = app.add_subcommand(
      "help",
      "Print mgate's help, or a command's: its options (mgate help lint is mgate lint "
      "--help)");
  cmd->add_option("COMMAND", c.command, "A command, e.g. lint, or hook install");
  return cmd;
}

int run_help(const HelpCommand& c, const CLI::App& app) {
  const CLI::App* shown = &app;
  std::string usage = app.get_name();
  for (const std::string& name : c.command) {
    const auto subs = shown->get_subcommands({});
    auto sub = std::find_if(subs.begin(), subs.end(),
                            [&](const CLI::App* s) { return s->get_name() == name; });
    if (sub == subs.end()) unknown_command(*shown, usage, name);
    shown = *sub;
    usage += " " + name;
  }
  std::cout << shown->get_formatter()->make_help(shown, usage, CLI::AppFormatMode::Normal);
  return 0;
}

void reject_unknown_command(const CLI::App& app, int argc, char** argv) {
  if (argc < 2) {
    throw InputError(fmt::format("a command is required: {} (run 'mgate help')",
                                 fmt::join(command_names(app), ", ")));
  }
  const std::string first = argv[1];
  if (first.starts_with('-')) return;
  const std::vector<std::string> names = command_names(app);
  if (std::find(names.begin(), names.end(), first) == names.end()) {
    unknown_command(app, app.get_name(), first);
  }
}

}  // namespace mgate
