#include "report/writer.hpp"

namespace mgate {

// One line per output format.
std::unique_ptr<Writer> make_text_writer();
std::unique_ptr<Writer> make_json_writer();
std::unique_ptr<Writer> make_sarif_writer();
std::unique_ptr<Writer> make_markdown_writer();
std::unique_ptr<Writer> make_github_writer();
std::unique_ptr<Writer> make_junit_writer();
std::unique_ptr<Writer> make_gitlab_writer();
std::unique_ptr<Writer> make_html_writer();

const std::vector<std::unique_ptr<Writer>>& all_writers() {
  static const auto writers = [] {
    std::vector<std::unique_ptr<Writer>> all;
    all.push_back(make_text_writer());
    all.push_back(make_json_writer());
    all.push_back(make_sarif_writer());
    all.push_back(make_markdown_writer());
    all.push_back(make_github_writer());
    all.push_back(make_junit_writer());
    all.push_back(make_gitlab_writer());
    all.push_back(make_html_writer());
    return all;
  }();
  return writers;
}

const Writer* find_writer(std::string_view format) {
  for (const auto& writer : all_writers()) {
    if (writer->format() == format) return writer.get();
  }
  return nullptr;
}

}  // namespace mgate
