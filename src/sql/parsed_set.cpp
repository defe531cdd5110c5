#include "sql/parsed_set.hpp"

#include <fmt/core.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/config.hpp"

namespace mgate::sql {

namespace {

// What the migration tool runs of a script: a tool that skips a byte order mark at the start of
// the file runs the text after it. Decided on the bytes read, which --staged takes from the index.
Span as_run(const MigrationSet& set, const SourceFile& file, Span section) {
  if (set.skips_byte_order_mark && section.begin == 0 && file.text().starts_with(kByteOrderMark))
    section.begin = kByteOrderMark.size();
  return section;
}

}  // namespace

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

ParsedSet::ParsedSet(const MigrationSet& set, const FileReader& read) {
  std::vector<const Script*> refs;
  for (const Migration& m : set.migrations) {
    for (const auto* ref : {&m.up, &m.down, &m.verify}) {
      if (!*ref) continue;
      refs.push_back(&**ref);
      if (!files_.count((*ref)->file)) {
        files_[(*ref)->file] = std::make_unique<SourceFile>((*ref)->file, read((*ref)->file));
      }
    }
  }
  // Parsing dominates a lint run; scripts are independent, so use every core.
  std::vector<ParsedScript> parsed(refs.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < refs.size(); i = next++) {
      const SourceFile& file = *files_.at(refs[i]->file);
      parsed[i] = parse_script(file, as_run(set, file, refs[i]->section));
    }
  };
  unsigned workers = std::max(1u, std::min<unsigned>(std::thread::hardware_concurrency(),
                                                     static_cast<unsigned>(refs.size())));
  std::vector<std::thread> threads;
  for (unsigned w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < refs.size(); ++i) {
    scripts_.emplace(std::pair(refs[i]->file, refs[i]->section.begin), std::move(parsed[i]));
  }
}

const SourceFile& ParsedSet::file(const std::string& path) const {
  return *files_.at(path);
}

const ParsedScript& ParsedSet::script(const Script& ref) const {
  return scripts_.at(std::pair(ref.file, ref.section.begin));
}

}  // namespace mgate::sql
