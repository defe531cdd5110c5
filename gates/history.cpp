// The history gate: a migration that was already merged must never change. Databases where it
// ran keep what the merged version did; editing, deleting or renaming the file only makes the
// repository lie about them. The base is the --since commit.
#include "gates/history.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "core/layout.hpp"
#include "gates/atlas_sum.hpp"
#include "gates/gate.hpp"
#include "vcs/git.hpp"

namespace mgate {
namespace {

constexpr std::string_view kEdited = "edited-migration";
constexpr std::string_view kEditedDown = "edited-down-migration";
constexpr std::string_view kDeleted = "deleted-migration";
constexpr std::string_view kChecksum = "checksum-mismatch";

// The repository and the commit that --since names. A root outside git, or a ref that names
// no commit, is the user's error; git missing is the machine's.
struct Base {
  git::Repository repository;
  std::string commit;
};

Base open_base(const std::filesystem::path& root, const std::string& ref) {
  try {
    git::Repository repository(root);
    auto commit = repository.resolve_commit(ref);
    return Base{std::move(repository), std::move(commit)};
  } catch (const InputError& e) {
    throw InputError(fmt::format("--since: {}", e.what()));
  }
}

std::vector<std::string> files_of(const Migration& migration) {
  if (!migration.files.empty()) return migration.files;
  std::vector<std::string> files;
  for (const auto* script : {&migration.up, &migration.down, &migration.verify}) {
    if (*script && std::find(files.begin(), files.end(), (*script)->file) == files.end()) {
      files.push_back((*script)->file);
    }
  }
  return files;
}

// Where to look for changes: the migrations directory, or, when migrations were given as files,
// the directories holding them.
std::set<std::string> directories(const MigrationSet& set) {
  if (!set.dir.empty()) return {set.dir};
  std::set<std::string> dirs;
  for (const auto& migration : set.migrations) {
    for (const auto& file : files_of(migration)) {
      dirs.insert(std::filesystem::path(file).parent_path().generic_string());
    }
  }
  return dirs;
}

std::vector<git::Change> changes_since(const git::Repository& repository, const MigrationSet& set,
                                       const std::string& commit, bool staged) {
  std::vector<git::Change> changes;
  for (const auto& dir : directories(set)) {
    auto found = repository.changes_since(commit, dir, staged);
    changes.insert(changes.end(), found.begin(), found.end());
  }
  return changes;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// The lines of `file` without their line endings ("\n", "\r\n" or "\r"), and no empty line after
// a final line ending: a checkout with core.autocrlf differs from the committed blob only in
// those, and that is no edit.
std::vector<std::string_view> lines_of(const SourceFile& file) {
  std::vector<std::string_view> lines;
  for (int n = 1; n <= file.line_count(); ++n) lines.push_back(file.slice(file.line(n)));
  if (file.line_count() > 1 && lines.back().empty()) lines.pop_back();
  return lines;
}

// The 1-based number of the first line that differs, or nullopt when only line endings differ.
std::optional<int> first_changed_line(const SourceFile& before, const SourceFile& after) {
  auto a = lines_of(before);
  auto b = lines_of(after);
  auto [i, j] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  if (i == a.end() && j == b.end()) return std::nullopt;
  return static_cast<int>(i - a.begin()) + 1;
}

// The whole of line `n` of `file`, or of its last line with text when it has fewer.
Location line_location(const SourceFile& file, int n) {
  int last = file.line_count();
  if (last > 1 && file.line(last).size() == 0) --last;
  return locate(file, file.line(std::min(n, last)));
}

Location file_start(const std::string& file) {
  return Location{file, Position{1, 1}, Position{1, 1}};
}

// What a merged file held: the up script (or both directions), or only the down.
enum class Role { up, down_only, other };

struct OwnedFile {
  const Migration* migration;
  Role role;
};

std::map<std::string, OwnedFile> owners(const MigrationSet& set) {
  std::map<std::string, OwnedFile> owned;
  for (const auto& migration : set.migrations) {
    for (const auto& file : files_of(migration)) {
      Role role = Role::other;
      if (migration.up && migration.up->file == file) {
        role = Role::up;
      } else if (migration.down && migration.down->file == file) {
        role = Role::down_only;
      }
      owned.emplace(file, OwnedFile{&migration, role});
    }
  }
  return owned;
}

// The findings of one comparison of the migrations with the base commit.
class Comparison {
 public:
  Comparison(const GateInput& input, const git::Repository& repository, std::string commit,
             GateResult& result)
      : input_(input),
        repository_(repository),
        commit_(std::move(commit)),
        owned_(owners(input.set)),
        result_(result) {}

  void add(const git::Change& change) {
    switch (change.kind) {
      case git::Change::Kind::modified:
        if (auto it = owned_.find(change.path); it != owned_.end()) edited(change.path, it->second);
        break;
      case git::Change::Kind::deleted:
        if (ends_with(change.path, ".sql")) deleted(change.path);
        break;
      case git::Change::Kind::renamed:
        if (ends_with(change.old_path, ".sql")) renamed(change.old_path, change.path);
        break;
      case git::Change::Kind::added:
        break;
    }
  }

 private:
  void edited(const std::string& path, const OwnedFile& owner) {
    const Migration& migration = *owner.migration;
    // Flyway re-runs a repeatable migration whenever it changes: that is what it is for.
    if (migration.repeatable || owner.role == Role::other) return;
    SourceFile now = current(path);
    auto line = first_changed_line(SourceFile(path, repository_.read_at(commit_, path)), now);
    if (!line) return;
    Finding finding;
    finding.location = line_location(now, *line);
    finding.migration = migration.id();
    finding.evidence = evidence("modified");
    finding.evidence["first_changed_line"] = finding.location->start.line;
    if (owner.role == Role::up) {
      std::string_view on_edit = layout_named(input_.set.layout).on_edit;
      finding.rule = kEdited;
      finding.level = Level::error;
      finding.message = fmt::format(
          "migration {} was already merged at {}: editing it changes nothing in databases where "
          "it already ran{}",
          migration.id(), input_.since,
          on_edit.empty() ? std::string() : fmt::format(", and {}", on_edit));
      finding.help = fmt::format(
          "write a new migration instead, and restore this one with `git checkout {} -- {}`",
          input_.since, path);
    } else {
      finding.rule = kEditedDown;
      finding.level = Level::warning;
      finding.message = fmt::format(
          "the down script of migration {} was edited after it was merged at {}: databases that "
          "ran the merged up now roll back with a different down",
          migration.id(), input_.since);
      finding.help = fmt::format(
          "make sure the down still undoes the up as merged at {} (the rollback gate checks it), "
          "or restore it with `git checkout {} -- {}`",
          input_.since, input_.since, path);
    }
    report(std::move(finding));
  }

  void deleted(const std::string& path) {
    Finding finding;
    finding.rule = kDeleted;
    finding.level = Level::error;
    finding.location = file_start(path);
    finding.evidence = evidence("deleted");
    finding.message = fmt::format(
        "migration file {} was already merged at {} and is deleted: databases where it ran keep "
        "its changes, and new databases no longer get them",
        path, input_.since);
    finding.help = fmt::format(
        "restore it with `git checkout {} -- {}`; to undo what it did, write a new migration",
        input_.since, path);
    report(std::move(finding));
  }

  void renamed(const std::string& old_path, const std::string& new_path) {
    Finding finding;
    finding.rule = kDeleted;
    finding.level = Level::error;
    finding.location = file_start(new_path);
    finding.evidence = evidence("renamed");
    finding.evidence["renamed_from"] = old_path;
    if (auto it = owned_.find(new_path); it != owned_.end()) {
      finding.migration = it->second.migration->id();
    }
    finding.message = fmt::format(
        "migration file {} was already merged at {} and is renamed to {}: the migration tool "
        "takes it for a new migration and runs it again where it already ran",
        old_path, input_.since, new_path);
    finding.help =
        fmt::format("keep the name it was merged with: `git mv {} {}`", new_path, old_path);
    report(std::move(finding));
  }

  // The file as the next commit will hold it: the index in staged mode, else what the gates
  // parsed.
  SourceFile current(const std::string& path) const {
    return input_.staged ? SourceFile(path, repository_.read_staged(path))
                         : input_.parsed.file(path);
  }

  nlohmann::json evidence(std::string_view change) const {
    return {{"base", input_.since}, {"base_commit", commit_}, {"change", change}};
  }

  void report(Finding finding) { result_.findings.push_back(std::move(finding)); }

  const GateInput& input_;
  const git::Repository& repository_;
  std::string commit_;
  std::map<std::string, OwnedFile> owned_;
  GateResult& result_;
};

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("cannot read {}", file.string()));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// atlas.sum, checked as Atlas checks it before it applies anything: a directory that does not
// match its sum file is refused whatever --since says.
void check_checksum_file(const GateInput& input, GateResult& result) {
  const std::string& sum_path = input.set.checksum_file;
  std::string sum = input.staged ? git::Repository(input.config.root).read_staged(sum_path)
                                 : read_text(input.config.root / sum_path);
  std::vector<atlas::File> files;
  for (const Migration& m : input.set.migrations) {
    if (!m.up) continue;
    files.push_back({std::filesystem::path(m.up->file).filename().string(),
                     std::string(input.parsed.file(m.up->file).text())});
  }
  std::sort(files.begin(), files.end(),
            [](const atlas::File& a, const atlas::File& b) { return a.name < b.name; });
  std::optional<atlas::Mismatch> mismatch = atlas::verify(sum, files);
  if (!mismatch) return;

  using Reason = atlas::Mismatch::Reason;
  Finding finding;
  finding.rule = kChecksum;
  finding.level = Level::error;
  finding.location = Location{sum_path, Position{static_cast<int>(mismatch->line), 1},
                              Position{static_cast<int>(mismatch->line), 1}};
  std::string refused = "atlas migrate apply refuses the directory (checksum mismatch)";
  switch (mismatch->reason) {
    case Reason::edited:
      finding.message = fmt::format("{} differs from what {} records for it: {}", mismatch->file,
                                    sum_path, refused);
      finding.help =
          "If this migration was never applied anywhere, run `atlas migrate hash`; if it was, "
          "restore it and write the change as a new migration";
      break;
    case Reason::added:
      finding.message =
          fmt::format("{} is not in {} where it sorts: {}", mismatch->file, sum_path, refused);
      finding.help = "Run `atlas migrate hash` to record it (atlas migrate diff and new do it)";
      break;
    case Reason::removed:
      finding.message = fmt::format("{} records {}, which is no longer in the directory: {}",
                                    sum_path, mismatch->file, refused);
      finding.help =
          "Restore the migration; if it was never applied anywhere, run `atlas "
          "migrate hash`";
      break;
    case Reason::sum_edited:
      finding.message = fmt::format(
          "the first line of {} is not the checksum of its entries: the file was edited by hand "
          "or merged badly, and {}",
          sum_path, refused);
      finding.help = "Run `atlas migrate hash` to rewrite it";
      break;
    case Reason::malformed:
      finding.message = fmt::format(
          "line {} of {} is not `<file> h1:<hash>`: Atlas cannot read the file and refuses the "
          "directory",
          mismatch->line, sum_path);
      finding.help = "Run `atlas migrate hash` to rewrite it";
      break;
  }
  if (!mismatch->file.empty()) finding.evidence = {{"file", mismatch->file}};
  result.findings.push_back(std::move(finding));
}

class HistoryGate final : public Gate {
 public:
  std::string_view name() const override { return "history"; }
  bool dynamic() const override { return false; }
  GateScope scope() const override { return GateScope::history; }

  std::vector<RuleDescriptor> rules() const override {
    return {
        rule(kEdited, Level::error,
             "A migration that was already merged at the --since base was edited."),
        rule(kEditedDown, Level::warning,
             "The down script of a migration that was already merged at the --since base was "
             "edited."),
        rule(kDeleted, Level::error,
             "A migration that was already merged at the --since base was deleted or renamed."),
        rule(kChecksum, Level::error,
             "The migration tool's checksum file (Atlas's atlas.sum) does not match the "
             "migrations."),
    };
  }

  GateResult run(const GateInput& input) const override {
    GateResult result;
    if (!input.set.checksum_file.empty()) {
      check_checksum_file(input, result);
      result.metrics["checksum_file"] = input.set.checksum_file;
    }
    if (input.since.empty()) {
      if (!input.set.checksum_file.empty()) return result;
      result.status = GateStatus::skip;
      result.skip_reason =
          "no --since base: pass the commit the migrations were merged at (e.g. --since "
          "origin/main) to check that merged migrations are unchanged";
      return result;
    }
    auto base = open_base(input.config.root, input.since);
    Comparison comparison(input, base.repository, base.commit, result);
    auto changes = changes_since(base.repository, input.set, base.commit, input.staged);
    for (const auto& change : changes) comparison.add(change);
    result.metrics["base_commit"] = base.commit;
    result.metrics["changed_files"] = changes.size();
    return result;
  }
};

}  // namespace

void mark_gated_since(MigrationSet& set, const std::filesystem::path& root, const std::string& ref,
                      bool staged) {
  auto [repository, commit] = open_base(root, ref);
  std::set<std::string> at_base;
  for (const auto& dir : directories(set)) {
    for (auto& file : repository.files_at(commit, dir)) at_base.insert(std::move(file));
  }
  std::set<std::string> changed;
  bool any_repeatable = std::any_of(set.migrations.begin(), set.migrations.end(),
                                    [](const Migration& m) { return m.repeatable; });
  if (any_repeatable) {
    for (const auto& change : changes_since(repository, set, commit, staged)) {
      changed.insert(change.path);
    }
  }
  for (auto& migration : set.migrations) {
    auto files = files_of(migration);
    bool merged = std::all_of(files.begin(), files.end(),
                              [&](const std::string& file) { return at_base.count(file) > 0; });
    bool rerun = migration.repeatable &&
                 std::any_of(files.begin(), files.end(),
                             [&](const std::string& file) { return changed.count(file) > 0; });
    migration.gated = !merged || rerun;
  }
}

std::unique_ptr<Gate> make_history_gate() {
  return std::make_unique<HistoryGate>();
}

}  // namespace mgate
