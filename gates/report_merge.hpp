#pragma once
#include <string>
#include <vector>

#include "core/report.hpp"

namespace mgate {

// Adds `part`, the report of another migrations directory of the same run (mgate lint a b), to
// `total`: its migrations, layouts and findings beside the others, each gate's status, duration
// and metrics merged with the same gate's (docs/report.md, "Merged reports").
void merge_directory(Report& total, Report&& part);

// A report read from a file, and the file, for messages.
struct ReportFile {
  std::string name;
  Report report;
};

// mgate merge: the reports of the N shards of one run (`--shard K/N`) as the report the run
// would have made unsharded. Throws InputError, saying which report, when one is no shard's
// report, comes from another run (another mgate version, another shard count, or another
// fingerprint: another history or configuration), or is a shard given twice, and saying
// which shards are missing.
Report merge_shards(std::vector<ReportFile> shards);

}  // namespace mgate
