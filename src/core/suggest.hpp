#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mgate {

// The candidate nearest to `word` when it is close enough to be what was meant (a typo: a
// letter missing, extra, wrong or swapped with its neighbour), for "did you mean ...?". Ties go
// to the candidate listed first.
std::optional<std::string> nearest_name(std::string_view word,
                                        const std::vector<std::string>& candidates);

}  // namespace mgate
