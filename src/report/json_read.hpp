#pragma once
#include <string>
#include <string_view>

#include "core/report.hpp"

namespace mgate {

// Reads back a report that `--format json` wrote (docs/report.md, "json"), as the Report it was
// written from: `mgate merge` combines the reports of shards this way. `name` says where the
// text came from, for messages. Throws InputError naming the field when the text is no JSON,
// no mgate-report/1, or a field is missing or of the wrong type.
Report read_json_report(std::string_view text, const std::string& name);

}  // namespace mgate
