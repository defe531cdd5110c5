#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mgate::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program (no shell) in `cwd` and waits for it; stdin is `input`, or /dev/null.
RunResult run(const std::vector<std::string>& argv,
              const std::filesystem::path& cwd = MGATE_SOURCE_DIR,
              const std::vector<std::string>& extra_env = {},
              const std::optional<std::string>& input = std::nullopt);

// Runs the built mgate binary.
RunResult run_mgate(const std::vector<std::string>& args,
                    const std::filesystem::path& cwd = MGATE_SOURCE_DIR);

// Runs the built mgate binary with `input` on its standard input, as `... | mgate` does.
RunResult run_mgate_with_input(const std::vector<std::string>& args, const std::string& input,
                               const std::filesystem::path& cwd = MGATE_SOURCE_DIR);

// A fresh directory under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to `relative` (creating parent directories) and returns the full path.
  std::filesystem::path write(const std::string& relative, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& path);

}  // namespace mgate::testing
