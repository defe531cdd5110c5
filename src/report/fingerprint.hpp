#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mgate {

// A finding's identity across runs, for SARIF's partialFingerprints and GitLab Code Quality: a
// hash of the rule, the file and the message with runs of whitespace collapsed and numbers
// blanked (so neither a line number nor a measured duration in the text moves it), then which
// occurrence of that hash this is in the report. Inserting unrelated lines changes none of
// these. Call next() in report order.
class Fingerprints {
 public:
  std::string next(const std::string& rule, const std::string& file, std::string_view message);

 private:
  std::unordered_map<std::uint64_t, int> seen_;
};

}  // namespace mgate
