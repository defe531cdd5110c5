// `mgate hook install` and `mgate hook uninstall`: the git pre-commit hook (hooks/pre-commit,
// compiled in).
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
constexpr std::string_view kSetAside = "pre-commit.before-mgate";

// A value inside a POSIX shell's double quotes.
std::string double_quoted_body(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '"' || c == '\\' || c == '$' || c == '`') out += '\\';
    out += c;
  }
  return out;
}

// The mgate the hook runs unless MGATE says otherwise: the path it was invoked by, made absolute
// but not resolved, so a hook installed through a package's /usr/bin/mgate or a symlink such as
// ~/.local/bin/mgate survives an upgrade that replaces the file behind it; or, when it was
// invoked by name, that name, looked up on PATH when the hook runs.
std::string mgate_for_hook(const std::string& invoked_as) {
  if (!invoked_as.empty() && invoked_as.find('/') == std::string::npos) return invoked_as;
  std::error_code ec;
  const fs::path path =
      invoked_as.empty() ? fs::read_symlink("/proc/self/exe", ec) : fs::path(invoked_as);
  return fs::absolute(path, ec).lexically_normal().string();
}

std::string hook_text(const std::string& invoked_as) {
  std::string script(pre_commit_hook_script());
  const std::string default_line = ": \"${MGATE:=mgate}\"";
  const std::string mgate = mgate_for_hook(invoked_as);
  if (const auto at = script.find(default_line); at != std::string::npos && mgate != "mgate") {
    script.replace(at, default_line.size(), ": \"${MGATE:=" + double_quoted_body(mgate) + "}\"");
  }
  return script;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool written_by_mgate(const fs::path& hook) {
  return read_text(hook).find(kMarker) != std::string::npos;
}

int install(const HookCommand& c) {
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
  if (fs::exists(hook, ec) && !written_by_mgate(hook)) {
    if (!c.force) {
      throw InputError(fmt::format(
          "{} exists and is not mgate's: add 'mgate lint --staged --quiet' to it, or replace "
          "it with 'mgate hook install --force' (the old one is kept as {})",
          hook.string(), kSetAside));
    }
    fs::rename(hook, dir / kSetAside, ec);
    if (ec) throw InputError(fmt::format("cannot move {} aside: {}", hook.string(), ec.message()));
  }
  fs::create_directories(dir, ec);
  {
    std::ofstream out(hook, std::ios::binary | std::ios::trunc);
    out << hook_text(c.invoked_as);
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

// Removes mgate's hook and puts back the one `install --force` set aside. A hook that mgate did
// not write is refused, whatever it contains.
int uninstall() {
  std::error_code ec;
  const git::Repository repository(fs::current_path(ec));
  const fs::path dir = repository.hooks_dir();
  const fs::path hook = dir / "pre-commit";
  if (!fs::exists(hook, ec)) {
    std::cout << "mgate: there is no " << hook.string() << ", nothing to remove\n";
    return 0;
  }
  if (!written_by_mgate(hook)) {
    throw InputError(fmt::format(
        "{} is not mgate's hook, so it is left as it is (if it runs 'mgate lint', remove that "
        "line by hand)",
        hook.string()));
  }
  fs::remove(hook, ec);
  if (ec) throw InputError(fmt::format("cannot remove {}: {}", hook.string(), ec.message()));
  std::cout << "mgate: removed " << hook.string() << "\n";
  const fs::path set_aside = dir / kSetAside;
  if (fs::exists(set_aside, ec)) {
    fs::rename(set_aside, hook, ec);
    if (ec) {
      throw InputError(fmt::format("cannot move {} back: {}", set_aside.string(), ec.message()));
    }
    std::cout << "mgate: restored " << hook.string() << " from " << kSetAside << "\n";
  }
  return 0;
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
  install->callback([&c] { c.action = HookCommand::Action::install; });
  CLI::App* uninstall = hook->add_subcommand(
      "uninstall",
      "Remove mgate's pre-commit hook and restore pre-commit.before-mgate; another hook is left "
      "alone");
  uninstall->callback([&c] { c.action = HookCommand::Action::uninstall; });
  return hook;
}

int run_hook(const HookCommand& c) {
  return c.action == HookCommand::Action::install ? install(c) : uninstall();
}

}  // namespace mgate
