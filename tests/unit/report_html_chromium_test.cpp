// Opens the HTML report in headless Chromium (Debian's chromium, installed by
// `scripts/setup.sh --dev`): it must load with no console message at all (the report has no
// scripts, so any message is an error: a blocked load, a parse failure) and render the verdict;
// a screenshot is saved as build/html-report.png for a person to look at.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>

#include "report/writer.hpp"
#include "support/run.hpp"
#include "unit/report_sample.hpp"

namespace mgate {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kChromium = "/usr/bin/chromium";
const fs::path kScreenshot = fs::path(MGATE_BINARY).parent_path() / "html-report.png";
const fs::path kDemoScreenshot = fs::path(MGATE_BINARY).parent_path() / "html-report-demo.png";

// A PNG's width and height, from its IHDR chunk (big-endian, right after the signature).
std::pair<std::uint32_t, std::uint32_t> png_size(const std::string& png) {
  auto word = [&](std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i)
      value = value << 8 | static_cast<unsigned char>(png[at + i]);
    return value;
  };
  if (png.size() < 24 || png.compare(12, 4, "IHDR") != 0) return {0, 0};
  return {word(16), word(20)};
}

class HtmlInChromium : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kChromium)) {
      if (std::getenv("CI") != nullptr) FAIL() << "chromium is missing: run scripts/setup.sh --dev";
      GTEST_SKIP() << "chromium is missing (scripts/setup.sh --dev installs it)";
    }
  }

  // Runs headless Chromium on `page` with a fresh profile; `mode` is --screenshot=FILE or
  // --dump-dom. Bounded by timeout(1) so a hung browser fails the test instead of hanging it.
  testing::RunResult open(const fs::path& page, const std::string& mode,
                          const std::string& window = "1280,2400") {
    const fs::path profile = dir_.path() / ("profile-" + std::to_string(++runs_));
    return testing::run({"/usr/bin/timeout", "120", kChromium.string(), "--headless",
                         "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--no-first-run",
                         "--user-data-dir=" + profile.string(), "--enable-logging=stderr", "--v=0",
                         "--window-size=" + window, mode, "file://" + page.string()});
  }

  fs::path write_page(const std::string& name, const std::string& html) {
    const fs::path page = dir_.path() / name;
    std::ofstream(page, std::ios::binary) << html;
    return page;
  }

  // Chromium logs every console message, whatever its level, as ":CONSOLE".
  static std::string console_messages(const std::string& log) {
    std::string found;
    const std::regex console(R"(.*:CONSOLE[:(].*)");
    for (std::sregex_iterator it(log.begin(), log.end(), console), end; it != end; ++it) {
      found += it->str() + "\n";
    }
    return found;
  }

  testing::TempDir dir_;
  int runs_ = 0;
};

TEST_F(HtmlInChromium, LoadsWithoutConsoleMessagesAndSavesAScreenshot) {
  std::ostringstream html;
  find_writer("html")->write(sample::evidence_report(), html, WriterOptions{});
  const fs::path page = write_page("report.html", html.str());

  const fs::path shot = dir_.path() / "report.png";
  const auto r = open(page, "--screenshot=" + shot.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(console_messages(r.err), "");
  ASSERT_TRUE(fs::exists(shot)) << r.err;
  const std::string png = testing::read_file(shot);
  EXPECT_TRUE(png.starts_with("\x89PNG\r\n\x1a\n"));
  EXPECT_GT(png.size(), 20'000u);  // a rendered report, not a blank page
  fs::copy_file(shot, kScreenshot, fs::copy_options::overwrite_existing);

  // The DOM as Chromium built it: the verdict, the timeline's SVG and the evidence are there.
  const auto dom = open(page, "--dump-dom");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_EQ(console_messages(dom.err), "");
  EXPECT_THAT(dom.out, HasSubstr("<span class=\"fail-word\">FAIL</span>"));
  EXPECT_THAT(dom.out, HasSubstr("<circle cx="));
  EXPECT_THAT(dom.out, HasSubstr("AccessExclusiveLock"));
}

// The demo's report as a release manager sees it: the verdict per migration first, then the
// details. The screenshot is saved as build/html-report-demo.png for a person to look at.
TEST_F(HtmlInChromium, RendersTheDemoReport) {
  std::ostringstream html;
  find_writer("html")->write(sample::demo_report(), html, WriterOptions{});
  const fs::path page = write_page("demo.html", html.str());

  const fs::path shot = dir_.path() / "demo.png";
  const auto r = open(page, "--screenshot=" + shot.string(), "1280,2000");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(console_messages(r.err), "");
  ASSERT_TRUE(fs::exists(shot)) << r.err;
  const std::string png = testing::read_file(shot);
  ASSERT_TRUE(png.starts_with("\x89PNG\r\n\x1a\n"));
  EXPECT_EQ(png_size(png), (std::pair<std::uint32_t, std::uint32_t>{1280, 2000}));
  EXPECT_GT(png.size(), 60'000u);  // text, tables and colours, not a blank page
  fs::copy_file(shot, kDemoScreenshot, fs::copy_options::overwrite_existing);

  const auto dom = open(page, "--dump-dom");
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_THAT(dom.out, HasSubstr("don’t ship"));
  EXPECT_THAT(dom.out, HasSubstr("REFERENCES users (id) NOT VALID;</pre>"));
}

// The check above would be worthless if this Chromium did not report console errors.
TEST_F(HtmlInChromium, ConsoleErrorsAreSeen) {
  const fs::path page = write_page(
      "broken.html",
      "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><link rel=\"icon\" "
      "href=\"data:,\"></head><body><script>console.error('broken-marker');</script></body>"
      "</html>");
  const auto r = open(page, "--dump-dom");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(console_messages(r.err), HasSubstr("broken-marker"));
}

}  // namespace
}  // namespace mgate
