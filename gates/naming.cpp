// The naming gate: file names that a migration tool reads the wrong way or not at all, and
// version numbers that make databases skip, repeat or refuse migrations.
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <utility>

#include "core/layout.hpp"
#include "gates/gate.hpp"

namespace mgate {
namespace {

constexpr std::string_view kInvalidName = "invalid-name";
constexpr std::string_view kDuplicateVersion = "duplicate-version";
constexpr std::string_view kVersionGap = "version-gap";
constexpr std::string_view kOutOfOrder = "out-of-order";
constexpr std::string_view kMissingDown = "missing-down";
constexpr std::string_view kIgnoredFile = "ignored-file";
constexpr std::string_view kUnchecked = "unchecked-migration";

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The part of a migration's path that carries its name: the file, or for diesel the directory
// that holds up.sql and down.sql.
struct NamedPath {
  std::string file;    // the migration file, relative to the root
  std::string path;    // the file, or the diesel directory
  std::string name;    // without the extension
  std::string suffix;  // ".sql", ".up.sql", ".down.sql", another extension, or ""
  bool directory = false;
};

NamedPath named_path(const std::string& layout, const std::string& file) {
  std::filesystem::path path(file);
  std::string base = path.filename().string();
  if ((layout == "diesel" || layout == "prisma") && path.has_parent_path() &&
      (base == "up.sql" || base == "down.sql" || base == "migration.sql")) {
    auto dir = path.parent_path();
    return {file, dir.generic_string(), dir.filename().string(), "", true};
  }
  // Case-blind, so that "x.UP.SQL" splits like "x.up.sql" and is then told to use .sql.
  for (std::string_view suffix : {".up.sql", ".down.sql", ".sql"}) {
    if (ends_with(lower(base), suffix) && base.size() > suffix.size()) {
      auto stem = base.size() - suffix.size();
      return {file, file, base.substr(0, stem), base.substr(stem)};
    }
  }
  auto dot = base.rfind('.');
  if (dot == std::string::npos || dot == 0) return {file, file, base, ""};
  return {file, file, base.substr(0, dot), base.substr(dot)};
}

// The script files of a migration the names of which the gate checks, each once. Files that
// configure a script (Flyway's .sql.conf, diesel's metadata.toml) are named after it.
std::vector<NamedPath> named_paths(const std::string& layout, const Migration& migration) {
  std::vector<std::string> files;
  for (const auto* script : {&migration.up, &migration.down, &migration.verify}) {
    if (*script) files.push_back((*script)->file);
  }
  std::vector<NamedPath> named;
  for (const auto& file : files) {
    auto path = named_path(layout, file);
    bool seen = std::any_of(named.begin(), named.end(),
                            [&](const NamedPath& other) { return other.path == path.path; });
    if (!seen) named.push_back(std::move(path));
  }
  return named;
}

// naming.pattern, the user's own convention for names. Without it, only what the layout's tool
// refuses or would skip is reported: style is opt-in.
class NamePolicy {
 public:
  explicit NamePolicy(const Config& config) : pattern_(config.naming.pattern) {
    if (pattern_.empty()) return;
    description_ = fmt::format("naming.pattern `{}`", pattern_);
    try {
      regex_ = std::regex(pattern_, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      auto where = config.file.empty() ? std::string() : config.file.string() + ": ";
      throw InputError(fmt::format("{}naming.pattern: '{}' is not a valid regular expression: {}",
                                   where, pattern_, e.what()));
    }
  }

  bool configured() const { return !pattern_.empty(); }
  // Unanchored, like grep: a pattern that must match the whole name says so with ^ and $.
  bool accepts(const std::string& name) const { return std::regex_search(name, regex_); }
  const std::string& description() const { return description_; }

 private:
  std::string pattern_;
  std::regex regex_;
  std::string description_;
};

// What is wrong with a migration's name and the closest name the policy accepts.
struct NameVerdict {
  std::vector<std::string> problems;
  std::optional<std::string> fixed;  // the new last path component
};

std::string replace_all(std::string text, char from, char to) {
  std::replace(text.begin(), text.end(), from, to);
  return text;
}

std::string underscore_spaces(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
    if (!space) {
      out += c;
    } else if (out.empty() || out.back() != '_') {
      out += '_';
    }
  }
  return out;
}

// The suffix a renamed file gets: its own, in lower case, when that is a .sql one.
std::string sql_suffix(const NamedPath& path) {
  if (path.directory) return "";
  auto lowered = lower(path.suffix);
  bool sql = lowered == ".sql" || lowered == ".up.sql" || lowered == ".down.sql";
  return sql ? lowered : ".sql";
}

NameVerdict judge(const NamePolicy& policy, const NamedPath& path) {
  NameVerdict verdict;
  std::string name = path.name;
  if (!policy.accepts(name)) {
    // The closest accepted name, changing as little as possible: spaces first, then hyphens,
    // then case.
    struct Candidate {
      std::string name;
      bool lowered;
      bool undashed;
    };
    std::string spaced = underscore_spaces(name);
    std::string undashed = replace_all(spaced, '-', '_');
    const Candidate candidates[] = {{spaced, false, false},
                                    {undashed, false, true},
                                    {lower(spaced), true, false},
                                    {lower(undashed), true, true}};
    auto found = std::find_if(std::begin(candidates), std::end(candidates),
                              [&](const Candidate& c) { return policy.accepts(c.name); });
    if (found == std::end(candidates)) {
      verdict.problems.push_back(fmt::format("the name does not match {}", policy.description()));
    } else {
      std::vector<std::string> traits;
      if (spaced != name) traits.push_back("spaces");
      if (found->undashed && undashed != spaced) traits.push_back("hyphens");
      if (found->lowered) traits.push_back("upper case letters");
      verdict.problems.push_back(fmt::format("the name has {}, which {} forbids",
                                             fmt::join(traits, " and "), policy.description()));
      name = found->name;
    }
  }
  if (!verdict.problems.empty() && policy.accepts(name)) {
    verdict.fixed = name + sql_suffix(path);
  }
  return verdict;
}

// Versions that order migrations: every migration but Flyway's repeatables and unversioned ones.
// sqitch and Liquibase order by their plan or changelog, not by version.
std::vector<const Migration*> versioned(const MigrationSet& set) {
  std::vector<const Migration*> found;
  if (!layout_named(set.layout).ordered_by_version) return found;
  for (const auto& migration : set.migrations) {
    if (!migration.repeatable && !migration.version.text.empty()) found.push_back(&migration);
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const Migration* a, const Migration* b) { return a->version < b->version; });
  return found;
}

long long number(const Version& version) {
  return std::stoll(version.text);
}

// Whether versions count up one by one (001, 002, ...), so that a gap means a migration went
// missing. Timestamps, dates and dotted versions have gaps by nature, and so does a history
// numbered in steps (0010, 0015, 0030: one number per release): at most a quarter of the steps
// (or one) may skip.
bool sequential(const std::vector<const Migration*>& migrations) {
  constexpr std::size_t kLongestCounter = 6;  // golang-migrate -seq writes 000001
  bool counters = std::all_of(migrations.begin(), migrations.end(), [](const Migration* m) {
    const std::string& text = m->version.text;
    return text.size() <= kLongestCounter && std::all_of(text.begin(), text.end(), [](char c) {
             return std::isdigit(static_cast<unsigned char>(c)) != 0;
           });
  });
  if (!counters) return false;
  std::size_t steps = 0, gaps = 0;
  for (std::size_t i = 1; i < migrations.size(); ++i) {
    long long step = number(migrations[i]->version) - number(migrations[i - 1]->version);
    if (step == 0) continue;  // a duplicate, reported as such
    ++steps;
    gaps += step != 1;
  }
  return gaps <= std::max<std::size_t>(1, steps / 4);
}

// "rename to 006_add_index.up.sql and 006_add_index.down.sql": the migration's files with
// `version` in place of its own.
std::optional<std::string> rename_to(const std::string& layout, const Migration& migration,
                                     const std::string& version) {
  std::vector<std::string> names;
  for (const auto& path : named_paths(layout, migration)) {
    auto at = path.name.find(migration.version.text);
    if (at == std::string::npos) return std::nullopt;
    std::string name = path.name;
    name.replace(at, migration.version.text.size(), version);
    names.push_back(name + path.suffix);
  }
  if (names.empty()) return std::nullopt;
  return fmt::format("rename to {}", fmt::join(names, " and "));
}

// Hands out versions after the newest one, for migrations that must move to the end.
class Renumbering {
 public:
  Renumbering(const std::string& layout, const std::vector<const Migration*>& migrations)
      : layout_(layout), sequential_(sequential(migrations)) {
    if (migrations.empty()) return;
    newest_ = migrations.back()->version.text;
    if (sequential_) next_ = number(migrations.back()->version) + 1;
  }

  std::string help(const Migration& migration) {
    if (sequential_) {
      auto version = fmt::format("{:0{}}", next_++, migration.version.text.size());
      if (auto rename = rename_to(layout_, migration, version)) return *rename;
      return fmt::format("give it version {}", version);
    }
    return fmt::format("give it a version newer than {}, the newest migration's", newest_);
  }

 private:
  std::string layout_;
  bool sequential_;
  long long next_ = 0;
  std::string newest_;
};

// The findings of the naming gate for one migration set.
class NamingCheck {
 public:
  NamingCheck(const GateInput& input, GateResult& result)
      : input_(input),
        layout_(input.set.layout),
        facts_(layout_named(input.set.layout)),
        policy_(input.config),
        ordered_(versioned(input.set)),
        renumbering_(input.set.layout, ordered_),
        result_(result) {
    for (const auto& migration : input.set.migrations) {
      for (const auto* script : {&migration.up, &migration.down, &migration.verify}) {
        if (*script) scripts_.insert((*script)->file);
      }
    }
  }

  void names() {
    if (!policy_.configured()) return;
    for (const auto& migration : input_.set.migrations) {
      if (!migration.gated || !migration.cannot_run.empty()) continue;
      for (const auto& path : named_paths(layout_, migration)) {
        auto verdict = judge(policy_, path);
        if (verdict.problems.empty()) continue;
        std::string help = verdict.fixed
                               ? fmt::format("rename to {}", *verdict.fixed)
                               : fmt::format("rename it to match {}", policy_.description());
        report(kInvalidName, Level::error, path.file, migration.id(),
               fmt::format("{}: {}", path.path, fmt::join(verdict.problems, "; ")), help);
      }
    }
  }

  // Migrations in a language mgate cannot run: said once each, never a failure.
  void unchecked() {
    for (const auto& migration : input_.set.migrations) {
      if (!migration.gated || migration.cannot_run.empty()) continue;
      report(kUnchecked, Level::note, first_file(migration), migration.id(),
             fmt::format("{}: {}, which mgate cannot run or check; the dynamic gates skip it",
                         first_file(migration), migration.cannot_run),
             "nothing to do here; if a later migration fails on something this one creates, "
             "the forward gate says so as a warning");
    }
  }

  void strays() {
    for (const auto& stray : input_.set.strays) {
      if (stray.kind == StrayFile::Kind::ignored) {
        report(kIgnoredFile, Level::warning, stray.file, "",
               fmt::format("{}: {}", stray.file, stray.reason),
               fmt::format("if it is a migration, name it as {} expects (e.g. {}); if not, move "
                           "it out of {}",
                           facts_.tool, facts_.example, dir()));
        continue;
      }
      report(kInvalidName, Level::error, stray.file, "",
             fmt::format("{}: {}", stray.file, stray.reason),
             fmt::format("fix it as {} expects (a migration looks like {}), or move it out of {} "
                         "if it is not a migration",
                         facts_.tool, facts_.example, dir()));
    }
  }

  void duplicates() {
    for (auto begin = ordered_.begin(); begin != ordered_.end();) {
      auto end = std::find_if(begin, ordered_.end(), [&](const Migration* m) {
        return !(m->version == (*begin)->version);
      });
      std::vector<const Migration*> group(begin, end);
      begin = end;
      bool any_gated =
          std::any_of(group.begin(), group.end(), [](const Migration* m) { return m->gated; });
      if (group.size() < 2 || !any_gated) continue;
      // The one that keeps the version: a merged one if there is one, else the first.
      auto keeper =
          std::find_if(group.begin(), group.end(), [](const Migration* m) { return !m->gated; });
      if (keeper == group.end()) keeper = group.begin();
      for (const Migration* migration : group) {
        std::vector<std::string> others;
        for (const Migration* other : group) {
          if (other != migration) others.push_back(first_file(*other));
        }
        std::string help;
        if (migration == *keeper) {
          help = fmt::format("keep this one and give {} a new version", fmt::join(others, ", "));
        } else if (migration->gated) {
          help = renumbering_.help(*migration);
        } else {
          help = "this one was already merged: give the new migration a new version";
        }
        report(
            kDuplicateVersion, Level::error, first_file(*migration), migration->id(),
            fmt::format("version {} of {} is also used by {}: migration tools refuse a "
                        "history with two migrations of one version, or apply only one of them",
                        migration->version.text, first_file(*migration), fmt::join(others, ", ")),
            help);
      }
    }
  }

  void gaps() {
    if (!sequential(ordered_)) return;
    for (std::size_t i = 1; i < ordered_.size(); ++i) {
      const Migration& before = *ordered_[i - 1];
      const Migration& after = *ordered_[i];
      long long missing_from = number(before.version) + 1;
      long long missing_to = number(after.version) - 1;
      // A gap among merged migrations is history: renumbering them would break databases.
      if (missing_from > missing_to || !after.gated) continue;
      int width = static_cast<int>(after.version.text.size());
      auto first_missing = fmt::format("{:0{}}", missing_from, width);
      auto missing = missing_from == missing_to
                         ? fmt::format("version {} is missing", first_missing)
                         : fmt::format("versions {} to {} are missing", first_missing,
                                       fmt::format("{:0{}}", missing_to, width));
      auto help = rename_to(layout_, after, first_missing)
                      .value_or(fmt::format("give it version {}", first_missing));
      if (i + 1 < ordered_.size()) help += ", and renumber the migrations after it";
      report(kVersionGap, Level::warning, first_file(after), after.id(),
             fmt::format("migration {} follows {}: {}; a migration was deleted, is still on "
                         "another branch, or the number is mistyped",
                         after.version.text, before.version.text, missing),
             help);
    }
  }

  void order() {
    if (input_.since.empty()) return;
    const Migration* newest_merged = nullptr;
    for (const Migration* migration : ordered_) {
      if (!migration->gated) newest_merged = migration;
    }
    if (!newest_merged) return;
    for (const Migration* migration : ordered_) {
      // A duplicate of a merged version is already an error of its own.
      bool duplicate = std::count_if(ordered_.begin(), ordered_.end(), [&](const Migration* m) {
                         return m->version == migration->version;
                       }) > 1;
      if (!migration->gated || duplicate || !(migration->version < newest_merged->version)) {
        continue;
      }
      report(kOutOfOrder, Level::warning, first_file(*migration), migration->id(),
             fmt::format("migration {} is new since {} but older than {}, which was already "
                         "merged: databases already at {} skip it or refuse to migrate, depending "
                         "on the migration tool",
                         migration->version.text, input_.since, newest_merged->version.text,
                         newest_merged->version.text),
             renumbering_.help(*migration));
    }
  }

  // Only where the layout has downs at all: Prisma and Atlas migrations never do.
  void downs() {
    if (!input_.config.naming.require_down || !facts_.down_for) return;
    for (const auto& migration : input_.set.migrations) {
      if (!migration.gated || migration.repeatable || migration.down || !migration.up) continue;
      report(kMissingDown, Level::error, migration.up->file, migration.id(),
             fmt::format("migration {} has no down migration, and naming.require_down is set: it "
                         "cannot be rolled back, and the rollback gate cannot check it",
                         migration.id()),
             facts_.down_for(migration.up->file));
    }
  }

 private:
  std::string first_file(const Migration& migration) const {
    if (migration.up) return migration.up->file;
    return migration.files.empty() ? std::string() : migration.files.front();
  }

  std::string dir() const { return input_.set.dir.empty() ? "the migrations" : input_.set.dir; }

  // Line 1 of the file, whole, when the file was read; else its start.
  Location first_line(const std::string& file) const {
    if (!scripts_.count(file)) return Location{file, Position{1, 1}, Position{1, 1}};
    const SourceFile& source = input_.parsed.file(file);
    return locate(source, source.line(1));
  }

  void report(std::string_view rule, Level level, const std::string& file,
              const std::string& migration, std::string message, std::string help) {
    Finding f = finding(rule, level, first_line(file));
    f.message = std::move(message);
    f.help = std::move(help);
    f.migration = migration;
    result_.findings.push_back(std::move(f));
  }

  const GateInput& input_;
  std::string layout_;
  const Layout& facts_;
  NamePolicy policy_;
  std::vector<const Migration*> ordered_;
  Renumbering renumbering_;
  std::set<std::string> scripts_;
  GateResult& result_;
};

class NamingGate final : public Gate {
 public:
  std::string_view name() const override { return "naming"; }
  bool dynamic() const override { return false; }
  GateScope scope() const override { return GateScope::history; }

  std::vector<RuleDescriptor> rules() const override {
    return {
        rule(kInvalidName, Level::error,
             "The migration tool refuses a file, or its name does not follow naming.pattern."),
        rule(kIgnoredFile, Level::warning,
             "A file looks like a migration, but the migration tool skips it."),
        rule(kUnchecked, Level::note,
             "A migration is not SQL (a Go or Java migration), so mgate cannot check it."),
        rule(kDuplicateVersion, Level::error, "Two migrations have the same version."),
        rule(kVersionGap, Level::warning, "Sequentially numbered migrations skip a number."),
        rule(kOutOfOrder, Level::warning,
             "A new migration is older than one that was already merged."),
        rule(kMissingDown, Level::error,
             "A migration has no down migration while naming.require_down is set."),
    };
  }

  GateResult run(const GateInput& input) const override {
    GateResult result;
    NamingCheck check(input, result);
    check.names();
    check.unchecked();
    check.strays();
    check.duplicates();
    check.gaps();
    check.order();
    check.downs();
    result.metrics = {{"migrations", input.set.migrations.size()},
                      {"strays", input.set.strays.size()}};
    return result;
  }
};

}  // namespace

std::unique_ptr<Gate> make_naming_gate() {
  return std::make_unique<NamingGate>();
}

}  // namespace mgate
