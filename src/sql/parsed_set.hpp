#pragma once
#include <atomic>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/execution_plan.hpp"
#include "core/layout.hpp"
#include "core/migration.hpp"
#include "core/source_file.hpp"
#include "sql/parsed_script.hpp"

namespace mgate::sql {

// Reads a file's bytes given its path relative to the root. The default reads the working
// tree; the pre-commit hook reads the git index instead.
using FileReader = std::function<std::string(const std::string& relative_path)>;

// `kept` are texts already read from the working tree (MigrationSet::texts, by file): each is
// handed out once instead of reading its file again.
FileReader working_tree_reader(const std::filesystem::path& root,
                               std::map<std::string, std::string> kept = {});

// Every script of a migration set, read, parsed and planned once, for all gates to share.
//
// The files are read when it is made; the scripts are parsed in history order by worker threads
// from then on, so that the first gate's work on one script overlaps the parsing of the next
// ones. script() and plan() wait for a script that a worker is still parsing, and parse on the
// caller's thread a script no worker has taken yet. A parse that throws rethrows from the
// script() or plan() that asks for it.
class ParsedSet {
  struct Entry;

 public:
  // Throws InputError naming the file when one cannot be read. `pg_version` is the server's
  // major version, which decides a few statements' execution plans.
  ParsedSet(const MigrationSet& set, const FileReader& read, int pg_version = 15);
  ~ParsedSet();  // stops and joins the workers
  ParsedSet(const ParsedSet&) = delete;
  ParsedSet& operator=(const ParsedSet&) = delete;

  const SourceFile& file(const std::string& path) const;
  const ParsedScript& script(const Script& ref) const;
  // How the script runs: the one answer every gate uses.
  const ExecutionPlan& plan(const Script& ref) const;

  // A script read statement by statement as it is parsed, for a gate that takes the statements
  // in order (the lint gate): when no worker has taken the script yet and it is parsed in chunks
  // (ScriptParse::gradual), its first statements are read while its later chunks are parsed.
  // Any other script is read once it is whole. When the reading ends (past its last statement,
  // or destroyed), script() and plan() have the script whole.
  class Reading {
   public:
    Reading(const ParsedSet& set, const Script& ref);
    ~Reading();
    Reading(const Reading&) = delete;
    Reading& operator=(const Reading&) = delete;

    // Statement `index` once it is known, parsing meanwhile; null past the last statement.
    const Statement* statement(std::size_t index);
    // Reads the rest of the script: for a rule that looks at the statements after one.
    void read_all();
    // The statements read so far; the whole script once all are read.
    const ParsedScript& script() const;
    // How the script runs. While the statements are still being read it says only how the tool
    // sends the script (in a transaction or not, and how its layout runs one outside), which a
    // gradual reading is offered for only when the tool decides that without the statements
    // (Transaction::script and ::statement); which statements PostgreSQL refuses comes after.
    const ExecutionPlan& plan() const;

   private:
    void complete();
    const ParsedSet* set_;
    Entry* entry_ = nullptr;
    bool gradual_ = false;
    ExecutionPlan early_plan_;
  };

 private:
  struct Key {
    std::string file;
    std::size_t begin;
    bool pieces;  // a Liquibase rollback shares its changeset's section
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  static Key key_of(const Script& ref);

  // One script to parse: the first reference to its key decides its execution plan.
  struct Entry {
    Script ref;
    const SourceFile* source = nullptr;
    std::unique_ptr<ScriptParse> parse;
    std::optional<ExecutionPlan> plan;
    std::exception_ptr error;
    std::atomic<bool> done{false};
  };

  // The entry of `ref`, parsed.
  const Entry& ready(const Script& ref) const;
  // Takes the next entry no thread has taken and parses it; false when none is left.
  bool parse_next() const;
  void parse(Entry& entry) const;
  // Starts parsing the entry (its statements can then be read as they come).
  void start(Entry& entry) const;
  // Parses what is left of the entry's script and plans it; then it is done.
  void finish(Entry& entry) const;

  std::map<std::string, std::unique_ptr<SourceFile>> files_;
  // A script made of pieces of its file is parsed from a copy of the file that keeps only those
  // pieces, every other byte blanked, so that offsets, lines and columns stay the file's.
  std::map<Key, std::unique_ptr<SourceFile>> piece_files_;
  const Layout* layout_;
  int pg_version_;
  mutable std::deque<Entry> entries_;  // in history order; written by whichever thread parses
  std::map<Key, std::size_t> index_;
  mutable std::atomic<std::size_t> next_{0};
  std::vector<std::thread> workers_;
};

}  // namespace mgate::sql
