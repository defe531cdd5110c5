// atlas.sum as Atlas computes and checks it (sql/migrate/dir.go).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "gates/atlas_sum.hpp"

namespace mgate::atlas {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<File> fixture_files() {
  fs::path dir = fs::path(MGATE_SOURCE_DIR) / "fixtures/layouts/atlas";
  std::vector<File> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".sql")
      files.push_back({entry.path().filename().string(), read(entry.path())});
  }
  std::sort(files.begin(), files.end(),
            [](const File& a, const File& b) { return a.name < b.name; });
  return files;
}

std::string fixture_sum() {
  return read(fs::path(MGATE_SOURCE_DIR) / "fixtures/layouts/atlas/atlas.sum");
}

// The fixture's atlas.sum was written by the algorithm of `atlas migrate hash`, checked
// against sums Atlas itself wrote.
TEST(AtlasSum, MatchesTheSumAtlasWrote) {
  EXPECT_EQ(sum_file(fixture_files()), fixture_sum());
  EXPECT_FALSE(verify(fixture_sum(), fixture_files()));
}

TEST(AtlasSum, AnEditedMigrationIsNamedWithItsLine) {
  std::vector<File> files = fixture_files();
  files[1].text += "-- one more line\n";
  auto mismatch = verify(fixture_sum(), files);
  ASSERT_TRUE(mismatch);
  EXPECT_EQ(mismatch->reason, Mismatch::Reason::edited);
  EXPECT_EQ(mismatch->file, files[1].name);
  EXPECT_EQ(mismatch->line, 3u);
}

TEST(AtlasSum, AddedAndRemovedMigrations) {
  std::vector<File> files = fixture_files();
  files.push_back({"20240201000000_more.sql", "SELECT 1;\n"});
  auto added = verify(fixture_sum(), files);
  ASSERT_TRUE(added);
  EXPECT_EQ(added->reason, Mismatch::Reason::added);
  EXPECT_EQ(added->file, "20240201000000_more.sql");
  EXPECT_EQ(added->line, 5u);

  files = fixture_files();
  files.erase(files.begin());
  auto removed = verify(fixture_sum(), files);
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->reason, Mismatch::Reason::removed);
  EXPECT_EQ(removed->file, "20240101120000_create_users.sql");
  EXPECT_EQ(removed->line, 2u);
}

TEST(AtlasSum, ASumFileEditedByHandIsRefused) {
  std::string sum = fixture_sum();
  sum.replace(sum.find("h1:", 10) + 3, 1, "X");
  auto mismatch = verify(sum, fixture_files());
  ASSERT_TRUE(mismatch);
  EXPECT_EQ(mismatch->reason, Mismatch::Reason::sum_edited);
  EXPECT_EQ(verify("h1:x\nno hash here\n", fixture_files())->reason, Mismatch::Reason::malformed);
}

TEST(AtlasSum, AFileMarkedSumIgnoreKeepsOnlyItsName) {
  std::vector<File> files = fixture_files();
  files.push_back(
      {"20240301000000_seed.sql", "-- atlas:sum ignore\nINSERT INTO users VALUES (1);\n"});
  std::string sum = sum_file(files);
  files.back().text += "INSERT INTO users VALUES (2);\n";
  EXPECT_FALSE(verify(sum, files));
}

}  // namespace
}  // namespace mgate::atlas
