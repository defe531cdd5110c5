#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace mgate::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program (no shell) in `cwd` and waits for it; stdin is /dev/null.
RunResult run(const std::vector<std::string>& argv,
              const std::filesystem::path& cwd = MGATE_SOURCE_DIR,
              const std::vector<std::string>& extra_env = {});

// Runs the built mgate binary.
RunResult run_mgate(const std::vector<std::string>& args,
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
