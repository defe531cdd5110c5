#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>

#include "core/config.hpp"
#include "discover/layout.hpp"
#include "discover/sections.hpp"

namespace mgate::discovery {
namespace {

namespace fs = std::filesystem;

// A change line of sqitch.plan: "name [dependencies] timestamp planner <email> # note".
struct PlannedChange {
  std::string name;
  std::size_t line = 0;
  // A change planned again later was reworked: sqitch then keeps this instance's scripts as
  // <name>@<tag>.sql, after one of the tags between it and the next instance.
  bool reworked = false;
  std::vector<std::string> tags_before_rework;
};

bool is_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view first_word(std::string_view text) {
  std::size_t end = 0;
  while (end < text.size() && !is_space(text[end])) ++end;
  return text.substr(0, end);
}

// Names sqitch refuses: empty, or holding a character that has a meaning in the plan.
bool is_valid_change_name(std::string_view name) {
  return !name.empty() && name.find_first_of(":@#\\") == std::string_view::npos;
}

std::vector<PlannedChange> read_plan(Scan& scan, const fs::path& file) {
  // Changes and tags in plan order; a tag entry has an empty change name.
  struct Item {
    std::string change;
    std::string tag;
  };
  std::vector<Item> items;
  std::vector<PlannedChange> changes;
  std::string name_in_reports = scan.relative(file);
  std::string text = scan.read(file);
  std::vector<Line> lines = lines_of(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view content = lines[i].text;
    while (!content.empty() && is_space(content.front())) content.remove_prefix(1);
    if (content.empty() || content.front() == '#' || content.front() == '%') continue;
    if (content.front() == '@') {
      items.push_back({"", std::string(first_word(content.substr(1)))});
      continue;
    }
    if (content.front() == '-')
      throw InputError(fmt::format("{}:{}: '{}' plans a revert, which mgate does not support",
                                   name_in_reports, i + 1, first_word(content)));
    if (content.front() == '+') content.remove_prefix(1);
    std::string_view name = first_word(content);
    if (!is_valid_change_name(name))
      throw InputError(fmt::format("{}:{}: '{}' is not a valid sqitch change name", name_in_reports,
                                   i + 1, name));
    items.push_back({std::string(name), ""});
    changes.push_back({std::string(name), i + 1, false, {}});
  }

  std::size_t change = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].change.empty()) continue;
    PlannedChange& planned = changes[change++];
    std::vector<std::string> tags;
    for (std::size_t j = i + 1; j < items.size(); ++j) {
      if (items[j].change.empty()) {
        tags.push_back(items[j].tag);
      } else if (items[j].change == planned.name) {
        planned.reworked = true;
        planned.tags_before_rework = std::move(tags);
        break;
      }
    }
  }
  return changes;
}

// The name of a change's scripts, without the directory and ".sql".
std::string script_name(const PlannedChange& change, const std::set<fs::path>& scripts,
                        const fs::path& deploy) {
  if (!change.reworked) return change.name;
  for (const std::string& tag : change.tags_before_rework) {
    std::string name = change.name + "@" + tag;
    if (scripts.contains(deploy / (name + ".sql"))) return name;
  }
  if (change.tags_before_rework.empty()) return change.name;
  return change.name + "@" + change.tags_before_rework.front();
}

}  // namespace

void read_sqitch(Scan& scan, Transaction undeclared) {
  fs::path plan_file = scan.dir() / "sqitch.plan";
  std::error_code error;
  if (!fs::is_regular_file(plan_file, error))
    throw InputError(
        fmt::format("no sqitch.plan in {}: not a sqitch project", scan.relative(scan.dir())));
  std::vector<PlannedChange> plan = read_plan(scan, plan_file);

  // Only the plan and the three script directories belong to sqitch: a sqitch project often is
  // the repository root, whose other files are none of mgate's business.
  const std::vector<std::string> kinds{"deploy", "revert", "verify"};
  std::set<fs::path> scripts;
  for (const Entry& entry : scan.entries(scan.dir())) {
    if (std::find(kinds.begin(), kinds.end(), entry.name) == kinds.end()) continue;
    if (!entry.directory) {
      scan.stray(entry.path, fmt::format("sqitch keeps {} scripts in a directory", entry.name));
    } else if (scan.enter(entry)) {
      for (const Entry& file : scan.files_below(entry.path)) scripts.insert(file.path);
    }
  }

  std::set<fs::path> used;
  auto script = [&](const std::string& kind, const std::string& name) -> std::optional<Script> {
    fs::path path = scan.dir() / kind / (name + ".sql");
    if (!scripts.contains(path)) return std::nullopt;
    used.insert(path);
    // sqitch runs each script with psql as it is: its templates put BEGIN and COMMIT in the
    // script, so the script, not the tool, decides about transactions.
    return Script{scan.relative(path), {0, std::string::npos}, undeclared};
  };
  // Versions are the change's position among the plan's changes, zero-padded to four digits
  // ("0001"): sqitch orders by the plan, not by names, and reworked changes repeat a name.
  std::size_t position = 0;
  for (const PlannedChange& change : plan) {
    ++position;
    std::string name = script_name(change, scripts, scan.dir() / "deploy");
    Migration migration;
    migration.version = {fmt::format("{:04}", position)};
    migration.name = change.name;
    migration.up = script("deploy", name);
    if (!migration.up) {
      scan.stray(scan.dir() / "deploy" / (name + ".sql"),
                 fmt::format("sqitch.plan line {} plans the change {}, but its deploy script is "
                             "missing",
                             change.line, change.name));
      continue;
    }
    migration.down = script("revert", name);
    migration.verify = script("verify", name);
    for (const auto& part : {migration.up, migration.down, migration.verify})
      if (part) migration.files.push_back(part->file);
    scan.add(std::move(migration));
  }

  for (const fs::path& path : scripts) {
    if (!used.contains(path)) scan.stray(path, "not a script of any change in sqitch.plan");
  }
}

}  // namespace mgate::discovery
