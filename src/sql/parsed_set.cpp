#include "sql/parsed_set.hpp"

#include <fmt/core.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/config.hpp"
#include "core/layout.hpp"
#include "sql/execution_plan.hpp"

namespace mgate::sql {

FileReader working_tree_reader(const std::filesystem::path& root) {
  return [root](const std::string& relative_path) {
    std::ifstream in(root / relative_path, std::ios::binary);
    if (!in)
      throw InputError(fmt::format("{}: cannot read: {}", relative_path, std::strerror(errno)));
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (in.bad()) throw InputError(fmt::format("{}: cannot read", relative_path));
    return bytes.str();
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

ParsedSet::ParsedSet(const MigrationSet& set, const FileReader& read, int pg_version) {
  std::vector<const Script*> refs;
  std::vector<const SourceFile*> sources;
  for (const Migration& m : set.migrations) {
    for (const auto* ref : {&m.up, &m.down, &m.verify}) {
      if (!*ref) continue;
      refs.push_back(&**ref);
      auto& file = files_[(*ref)->file];
      if (!file) file = std::make_unique<SourceFile>((*ref)->file, read((*ref)->file));
      if ((*ref)->pieces.empty()) {
        sources.push_back(file.get());
        continue;
      }
      auto& kept = piece_files_[key_of(**ref)];
      kept = std::make_unique<SourceFile>((*ref)->file, keep_pieces(file->text(), (*ref)->pieces));
      sources.push_back(kept.get());
    }
  }
  // Parsing dominates a lint run; scripts are independent, so use every core.
  std::vector<ParsedScript> parsed(refs.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < refs.size(); i = next++) {
      parsed[i] = parse_script(*sources[i], refs[i]->section);
    }
  };
  unsigned workers = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(),
                                                     static_cast<unsigned>(refs.size())));
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  const Layout& layout = layout_named(set.layout);
  for (std::size_t i = 0; i < refs.size(); ++i) {
    Key key = key_of(*refs[i]);
    plans_.emplace(key, plan_execution(parsed[i], refs[i]->transaction, layout, pg_version));
    scripts_.emplace(std::move(key), std::move(parsed[i]));
  }
}

const SourceFile& ParsedSet::file(const std::string& path) const {
  return *files_.at(path);
}

const ParsedScript& ParsedSet::script(const Script& ref) const {
  return scripts_.at(key_of(ref));
}

const ExecutionPlan& ParsedSet::plan(const Script& ref) const {
  return plans_.at(key_of(ref));
}

}  // namespace mgate::sql
