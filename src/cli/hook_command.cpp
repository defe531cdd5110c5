// `mgate hook install`: the git pre-commit hook (hooks/pre-commit, compiled in).
#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "core/config.hpp"
#include "vcs/git.hpp"

namespace mgate {

std::string_view pre_commit_hook_script();  // generated from hooks/pre-commit

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMarker = "mgate-hook";

// A value inside a POSIX shell's double quotes.
std::string double_quoted_body(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '"' || c == '\\' || c == '$' || c == '`') out += '\\';
    out += c;
  }
  return out;
}

// The hook runs this very binary unless MGATE says otherwise, so a hook installed from a build
// directory works without mgate on PATH.
std::string hook_text() {
  std::string script(pre_commit_hook_script());
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  const std::string default_line = ": \"${MGATE:=mgate}\"";
  if (const auto at = script.find(default_line); !ec && at != std::string::npos) {
    script.replace(at, default_line.size(),
                   ": \"${MGATE:=" + double_quoted_body(self.string()) + "}\"");
  }
  return script;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

CLI::App* add_hook_command(CLI::App& app, HookCommand& c) {
  CLI::App* hook = app.add_subcommand("hook", "Manage the git pre-commit hook");
  hook->require_subcommand(1);
  CLI::App* install = hook->add_subcommand(
      "install",
      "Install the pre-commit hook: it runs 'mgate lint --staged' on the staged migrations");
  install->add_flag("--force", c.force,
                    "Replace a pre-commit hook that is not mgate's (it is kept as "
                    "pre-commit.before-mgate)");
  return install;
}

int run_hook_install(const HookCommand& c) {
  std::error_code ec;
  const git::Repository repository(fs::current_path(ec));
  // git runs the hook at the top of the work tree: that is where mgate must find its config.
  const auto config = find_config(repository.top_level());
  if (!config || load_config(*config).migrations.dir.empty()) {
    throw InputError(fmt::format(
        "the hook needs an mgate.toml with [migrations] dir at {} (or above it), where git runs "
        "hooks: run 'mgate init' there first",
        repository.top_level().string()));
  }
  const fs::path dir = repository.hooks_dir();
  const fs::path hook = dir / "pre-commit";
  if (fs::exists(hook, ec) && read_text(hook).find(kMarker) == std::string::npos) {
    if (!c.force) {
      throw InputError(fmt::format(
          "{} exists and is not mgate's: add 'mgate lint --staged --quiet' to it, or replace "
          "it with 'mgate hook install --force' (the old one is kept as pre-commit.before-mgate)",
          hook.string()));
    }
    fs::rename(hook, dir / "pre-commit.before-mgate", ec);
    if (ec) throw InputError(fmt::format("cannot move {} aside: {}", hook.string(), ec.message()));
  }
  fs::create_directories(dir, ec);
  {
    std::ofstream out(hook, std::ios::binary | std::ios::trunc);
    out << hook_text();
    if (!out) throw InputError(fmt::format("cannot write {}", hook.string()));
  }
  fs::permissions(hook,
                  fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                      fs::perms::others_read | fs::perms::others_exec,
                  ec);
  if (ec)
    throw InputError(fmt::format("cannot make {} executable: {}", hook.string(), ec.message()));
  std::cout << "mgate: installed " << hook.string() << "\n";
  return 0;
}

}  // namespace mgate
