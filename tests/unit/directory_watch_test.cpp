// The inotify watch the local provider waits on while its server starts: it wakes on a change in
// the directory, and its descriptor is closed on every way out of its scope.
#include <gtest/gtest.h>

#include <sys/inotify.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "pg/directory_watch.hpp"

namespace mgate::testing {
namespace {

namespace fs = std::filesystem;

std::size_t open_descriptors() {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& fd : fs::directory_iterator("/proc/self/fd")) ++count;
  return count;
}

class DirectoryWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("mgate-watch-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(DirectoryWatchTest, ClosesItsDescriptorWhenItGoes) {
  std::size_t before = open_descriptors();
  {
    pg::DirectoryWatch watch(dir_, IN_CREATE);
    EXPECT_EQ(open_descriptors(), before + 1);
  }
  EXPECT_EQ(open_descriptors(), before);
}

TEST_F(DirectoryWatchTest, ClosesItsDescriptorWhenAnExceptionLeavesItsScope) {
  std::size_t before = open_descriptors();
  try {
    pg::DirectoryWatch watch(dir_, IN_CREATE);
    throw std::runtime_error("the server exited during start-up");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(open_descriptors(), before);
}

TEST_F(DirectoryWatchTest, WakesWhenTheDirectoryChanges) {
  pg::DirectoryWatch watch(dir_, IN_CREATE | IN_CLOSE_WRITE);
  std::ofstream(dir_ / "postmaster.pid") << "ready\n";
  auto started = std::chrono::steady_clock::now();
  watch.wait(std::chrono::seconds(30));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(DirectoryWatchTest, WaitsOutTheTimeoutWhenNothingChanges) {
  pg::DirectoryWatch watch(dir_, IN_CREATE | IN_CLOSE_WRITE);
  auto started = std::chrono::steady_clock::now();
  watch.wait(std::chrono::milliseconds(200));
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(150));
}

}  // namespace
}  // namespace mgate::testing
