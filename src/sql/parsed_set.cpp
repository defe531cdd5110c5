#include "sql/parsed_set.hpp"

#include <fmt/core.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <system_error>
#include <thread>

#include "core/config.hpp"
#include "core/file_bytes.hpp"
#include "core/heap.hpp"
#include "core/layout.hpp"
#include "sql/execution_plan.hpp"

namespace mgate::sql {

namespace {

// What the migration tool runs of a script: a tool that skips a byte order mark at the start of
// the file runs the text after it. Decided on the bytes read, which --staged takes from the index.
Span as_run(const Layout& layout, const SourceFile& file, Span section) {
  if (layout.skips_byte_order_mark && section.begin == 0 && file.text().starts_with(kByteOrderMark))
    section.begin = kByteOrderMark.size();
  return section;
}

}  // namespace

FileReader working_tree_reader(const std::filesystem::path& root,
                               std::map<std::string, std::string> kept) {
  auto texts = std::make_shared<std::map<std::string, std::string>>(std::move(kept));
  return [root, texts](const std::string& relative_path) {
    if (auto text = texts->extract(relative_path)) return std::move(text.mapped());
    std::error_code error;
    std::string text = read_file_bytes(root / relative_path, error);
    if (error) throw InputError(fmt::format("{}: cannot read: {}", relative_path, error.message()));
    return text;
  };
}

namespace {

// The file with every byte outside `pieces` blanked (line breaks kept).
std::string keep_pieces(std::string_view text, const std::vector<Span>& pieces) {
  std::string kept(text.size(), ' ');
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') kept[i] = text[i];
  }
  for (const Span& piece : pieces) {
    std::size_t end = std::min(piece.end, text.size());
    for (std::size_t i = std::min(piece.begin, end); i < end; ++i) kept[i] = text[i];
  }
  return kept;
}

}  // namespace

ParsedSet::Key ParsedSet::key_of(const Script& ref) {
  return Key{ref.file, ref.section.begin, !ref.pieces.empty()};
}

ParsedSet::ParsedSet(const MigrationSet& set, const FileReader& read, int pg_version)
    : layout_(&layout_named(set.layout)), pg_version_(pg_version) {
  for (const Migration& m : set.migrations) {
    for (const auto* ref : {&m.up, &m.down, &m.verify}) {
      if (!*ref) continue;
      auto& file = files_[(*ref)->file];
      if (!file) file = std::make_unique<SourceFile>((*ref)->file, read((*ref)->file));
      Key key = key_of(**ref);
      if (index_.contains(key)) continue;
      const SourceFile* source = file.get();
      if (!(*ref)->pieces.empty()) {
        auto& kept = piece_files_[key];
        kept =
            std::make_unique<SourceFile>((*ref)->file, keep_pieces(file->text(), (*ref)->pieces));
        source = kept.get();
      }
      index_.emplace(std::move(key), entries_.size());
      Entry& entry = entries_.emplace_back();
      entry.ref = **ref;
      entry.source = source;
    }
  }
  // A large input's run touches tens of megabytes (parse trees, then findings and the report):
  // the heaps of the threads that parse it are advised to use huge pages (core/heap.hpp). A small
  // one would pay more for its first 2 MiB page than it saves (measured in bench/README.md).
  constexpr std::size_t kLargeInput = 64 * 1024;
  std::size_t bytes = 0;
  for (const auto& [path, file] : files_) bytes += file->text().size();
  const bool large = bytes >= kLargeInput;
  if (large) expect_a_large_run();
  // Parsing is most of a lint run; scripts are independent, so use every core. The caller's
  // thread is one of them: it parses what it asks for when no worker has taken it yet.
  if (entries_.size() < 2) return;
  unsigned cores = std::max(2u, std::thread::hardware_concurrency());
  unsigned workers = static_cast<unsigned>(std::min<std::size_t>(cores - 1, entries_.size() - 1));
  for (unsigned w = 0; w < workers; ++w) {
    try {
      workers_.emplace_back([this, large] {
        if (large) advise_huge_pages_for_heap(32 << 20);  // its arena's
        while (parse_next()) {
        }
      });
    } catch (const std::system_error&) {
      break;  // no thread to be had: the caller's thread parses what no worker takes
    }
  }
}

ParsedSet::~ParsedSet() {
  next_ = entries_.size();  // what no worker has taken stays unparsed
  for (std::thread& worker : workers_) worker.join();
}

void ParsedSet::start(Entry& entry) const {
  try {
    entry.parse = std::make_unique<ScriptParse>(*entry.source,
                                                as_run(*layout_, *entry.source, entry.ref.section));
  } catch (...) {
    entry.error = std::current_exception();
  }
}

void ParsedSet::finish(Entry& entry) const {
  if (!entry.error) {
    try {
      entry.parse->finish();
      entry.plan =
          plan_execution(entry.parse->script(), entry.ref.transaction, *layout_, pg_version_);
    } catch (...) {
      entry.error = std::current_exception();
    }
  }
  entry.done.store(true, std::memory_order_release);
  entry.done.notify_all();
}

void ParsedSet::parse(Entry& entry) const {
  start(entry);
  finish(entry);
}

bool ParsedSet::parse_next() const {
  std::size_t i = next_.fetch_add(1);
  if (i >= entries_.size()) return false;
  parse(entries_[i]);
  return true;
}

const ParsedSet::Entry& ParsedSet::ready(const Script& ref) const {
  const Entry& entry = entries_[index_.at(key_of(ref))];
  // Parse others' scripts while this one is not done: the work is the same, and no core idles.
  while (!entry.done.load(std::memory_order_acquire)) {
    if (!parse_next()) entry.done.wait(false, std::memory_order_acquire);
  }
  if (entry.error) std::rethrow_exception(entry.error);
  return entry;
}

const SourceFile& ParsedSet::file(const std::string& path) const {
  return *files_.at(path);
}

const ParsedScript& ParsedSet::script(const Script& ref) const {
  return ready(ref).parse->script();
}

const ExecutionPlan& ParsedSet::plan(const Script& ref) const {
  return *ready(ref).plan;
}

ParsedSet::Reading::Reading(const ParsedSet& set, const Script& ref) : set_(&set) {
  const std::size_t i = set.index_.at(key_of(ref));
  std::size_t untaken = i;
  // Taken here when it is the next script no worker has taken: then it can be read as it comes.
  if (set.next_.compare_exchange_strong(untaken, i + 1)) {
    Entry& entry = set.entries_[i];
    set.start(entry);
    const Transaction sent = entry.ref.transaction;
    if (!entry.error && entry.parse->gradual() &&
        (sent == Transaction::script || sent == Transaction::statement)) {
      entry_ = &entry;
      gradual_ = true;
      ParsedScript none;
      none.file = entry.parse->script().file;
      early_plan_ = plan_execution(none, sent, *set.layout_, set.pg_version_);
      return;
    }
    set.finish(entry);
  }
  entry_ = const_cast<Entry*>(&set.ready(ref));
}

ParsedSet::Reading::~Reading() {
  try {
    complete();
  } catch (...) {
    // Only an allocation can fail here; the entry then says so to whoever asks for it.
  }
}

void ParsedSet::Reading::complete() {
  if (!gradual_) return;
  gradual_ = false;
  set_->finish(*entry_);
  if (entry_->error) std::rethrow_exception(entry_->error);
}

const Statement* ParsedSet::Reading::statement(std::size_t index) {
  if (gradual_) {
    if (const Statement* statement = entry_->parse->statement(index)) return statement;
    complete();
    return nullptr;
  }
  const std::vector<Statement>& statements = entry_->parse->script().statements;
  return index < statements.size() ? &statements[index] : nullptr;
}

void ParsedSet::Reading::read_all() {
  complete();
}

const ParsedScript& ParsedSet::Reading::script() const {
  return entry_->parse->script();
}

const ExecutionPlan& ParsedSet::Reading::plan() const {
  return gradual_ ? early_plan_ : *entry_->plan;
}

}  // namespace mgate::sql
