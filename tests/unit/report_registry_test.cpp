#include <gtest/gtest.h>

#include "report/writer.hpp"

namespace mgate {
namespace {

TEST(WriterRegistry, FindsEveryWriterByItsFormatName) {
  for (std::string_view format :
       {"text", "json", "sarif", "markdown", "github", "junit", "gitlab", "html"}) {
    const Writer* writer = find_writer(format);
    ASSERT_NE(writer, nullptr) << format;
    EXPECT_EQ(writer->format(), format);
  }
  EXPECT_EQ(all_writers().size(), 8u);
  EXPECT_EQ(find_writer("xml"), nullptr);
}

}  // namespace
}  // namespace mgate
