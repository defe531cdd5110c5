#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace mgate {

// `text` as valid UTF-8: every byte sequence that is not (a migration saved as Latin-1, a
// truncated character) becomes U+FFFD, like the JSON writers do.
std::string valid_utf8(std::string_view text);

// `text` for XML or HTML, in element content and in quoted attributes alike: valid UTF-8, the
// five markup characters as entities, and the control characters XML 1.0 forbids as U+FFFD.
// A carriage return is written as &#13;, which XML parsers would otherwise turn into a line
// feed.
std::string escape_markup(std::string_view text);

// `text` for a quoted XML attribute: escape_markup, and line feeds and tabs as character
// references, which XML parsers would otherwise turn into spaces.
std::string escape_attribute(std::string_view text);

// A piece of a message or help text: plain text, or the inside of a backtick code span
// (`orders`, `-- mgate:ignore rule -- <why>`), found as CommonMark finds them: a run of N
// backticks opens a span that the next run of exactly N closes; a run that nothing closes is
// plain text.
struct TextPiece {
  std::string_view text;
  bool code = false;
};
std::vector<TextPiece> code_spans(std::string_view text);

}  // namespace mgate
