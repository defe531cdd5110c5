// libFuzzer target: `mgate lint` on a migrations tree made from the input: discovery (every
// layout), reading and parsing the scripts, the naming and lint gates, an mgate.toml when the
// tree has one, and every report writer. Input (fuzz/README.md):
//   <layout>\n            auto or a layout of docs/layouts.md (plain, golang-migrate, flyway, ...)
//   @@ <path>\n<bytes>     a file, up to the next "\n@@ " (repeated)
// Bad input may be an InputError (exit 2 in the CLI); anything else escaping is a defect.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "discover/discover.hpp"
#include "gates/pipeline.hpp"
#include "report/writer.hpp"
#include "sql/parsed_set.hpp"

namespace {

namespace fs = std::filesystem;
using namespace mgate;

constexpr std::size_t kMaxFiles = 32;
constexpr std::size_t kMaxDepth = 4;

struct File {
  fs::path path;
  std::string_view bytes;
};

// A relative path that stays inside the tree: no "..", no empty or "." parts, no NUL.
fs::path safe_path(std::string_view text) {
  fs::path path;
  std::size_t depth = 0;
  while (!text.empty() && depth < kMaxDepth) {
    std::size_t slash = text.find('/');
    std::string part(text.substr(0, slash));
    text = slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1);
    std::erase(part, '\0');
    if (part.empty() || part == "." || part == ".." || part.size() > 100) continue;
    path /= part;
    ++depth;
  }
  return path;
}

std::vector<File> files_of(std::string_view input) {
  std::vector<File> files;
  std::size_t at = input.find("@@ ");
  while (at != std::string_view::npos && files.size() < kMaxFiles) {
    std::size_t name_end = input.find('\n', at);
    if (name_end == std::string_view::npos) break;
    std::size_t next = input.find("\n@@ ", name_end);
    std::size_t end = next == std::string_view::npos ? input.size() : next + 1;
    fs::path path = safe_path(input.substr(at + 3, name_end - at - 3));
    if (!path.empty()) files.push_back({path, input.substr(name_end + 1, end - name_end - 1)});
    at = next == std::string_view::npos ? next : next + 1;
  }
  return files;
}

// One directory per process, emptied for each input; in memory where there is /dev/shm.
const fs::path& scratch() {
  static const fs::path dir = [] {
    fs::path base = fs::is_directory("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    return base / ("mgate-fuzz-" + std::to_string(getpid()));
  }();
  return dir;
}

void lint(const fs::path& root, const std::string& layout) {
  Config config;
  config.root = root;
  std::error_code ec;
  if (fs::is_regular_file(root / "mgate.toml", ec)) config = load_config(root / "mgate.toml");
  config.root = root;
  MigrationSet set = discover(root, root, layout);
  sql::ParsedSet parsed(set, sql::working_tree_reader(root));
  PipelineOptions options;
  options.gates = {"naming", "lint"};
  Report report = run_pipeline(config, set, parsed, options);
  for (const auto& writer : all_writers()) {
    std::ostringstream out;
    writer->write(report, out, WriterOptions{});
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string layout(input.substr(0, input.find('\n')));
  if (std::find(layout_names().begin(), layout_names().end(), layout) == layout_names().end())
    layout = "auto";

  const fs::path& root = scratch();
  std::error_code ec;
  fs::remove_all(root, ec);
  fs::create_directories(root);
  for (const File& file : files_of(input)) {
    // A path whose parent is one of the files (or the reverse) is dropped.
    fs::create_directories((root / file.path).parent_path(), ec);
    if (ec || fs::is_directory(root / file.path, ec)) continue;
    std::ofstream(root / file.path, std::ios::binary)
        .write(file.bytes.data(), static_cast<std::streamsize>(file.bytes.size()));
  }
  try {
    lint(root, layout);
  } catch (const InputError&) {
    // A clear error with exit code 2: what the CLI does with bad input.
  }
  return 0;
}
