#pragma once
#include <gtest/gtest.h>

#include <boost/process.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace mgate::testing {

// A temporary directory, removed with the object, that tests fill with files and, when asked,
// make a git repository with commits.
class ScratchRepository {
 public:
  ScratchRepository() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mgate-test-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
  }
  ~ScratchRepository() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  ScratchRepository(const ScratchRepository&) = delete;
  ScratchRepository& operator=(const ScratchRepository&) = delete;

  const std::filesystem::path& dir() const { return dir_; }

  void write(const std::string& path, const std::string& bytes) const {
    auto file = dir_ / path;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
  }
  void remove(const std::string& path) const { std::filesystem::remove(dir_ / path); }

  // Runs git in the repository; the test fails when git does.
  void git(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {
        "-C", dir_.string(), "-c", "user.name=mgate tests", "-c", "user.email=tests@mgate.invalid"};
    argv.insert(argv.end(), args.begin(), args.end());
    namespace bp = boost::process;
    int code = bp::system(bp::search_path("git"), bp::args(argv), bp::std_out > bp::null,
                          bp::std_err > bp::null);
    ASSERT_EQ(code, 0) << "git " << args.front();
  }
  void init() const { git({"init", "-q", "-b", "main"}); }
  void commit_all(const std::string& message) const {
    git({"add", "-A"});
    git({"commit", "-q", "-m", message});
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace mgate::testing
