#pragma once
#include <ostream>

#include <nlohmann/json.hpp>

namespace mgate {

// Writes a JSON report: 2-space indent, UTF-8, trailing newline. Bytes that are not valid
// UTF-8 (a migration saved as Latin-1) become U+FFFD instead of aborting the report.
void write_json_document(std::ostream& out, const nlohmann::ordered_json& document);

}  // namespace mgate
