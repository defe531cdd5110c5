#pragma once
#include <cstddef>
#include <string_view>
#include <vector>

#include "core/source_file.hpp"

namespace mgate::sql {

// Just enough of PostgreSQL's lexical structure to find where statements really start and end
// and where their comments are: whitespace, -- and nested /* */ comments, quoted strings and
// identifiers, and dollar-quoted bodies. Offsets are relative to `text`.

// The offset of the first character at or after `pos` that is neither whitespace nor comment.
std::size_t skip_trivia(std::string_view text, std::size_t pos);

// The offset just after the token that starts at `pos` (which must not be trivia): a word, a
// quoted string or identifier, a dollar-quoted body, or one other character.
std::size_t token_end(std::string_view text, std::size_t pos);

// The end of the last token in [begin, end): trailing whitespace and comments cut off.
std::size_t last_token_end(std::string_view text, std::size_t begin, std::size_t end);

// The offset of the first token in `text` at or after `from` that is the word `keyword`
// (ASCII case-insensitive), skipping comments, strings and quoted identifiers; npos if none.
std::size_t find_keyword(std::string_view text, std::string_view keyword, std::size_t from = 0);

// The comments in [begin, end), which must hold only whitespace and comments.
std::vector<Span> comments(std::string_view text, std::size_t begin, std::size_t end);

}  // namespace mgate::sql
