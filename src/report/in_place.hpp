#pragma once
#include <optional>
#include <string>

#include "core/finding.hpp"

namespace mgate {

// An edit of a fix shown in place: the whole lines it touches, before and after it, so that a
// reader sees `ADD CONSTRAINT ... REFERENCES users (id) NOT VALID;` and not `)` -> `) NOT VALID`.
struct LinesChange {
  std::string before;
  std::string after;
};

// Nothing when the report does not carry the edit's lines, or they no longer hold `original`
// where the edit starts.
std::optional<LinesChange> in_place(const Edit& edit);

}  // namespace mgate
