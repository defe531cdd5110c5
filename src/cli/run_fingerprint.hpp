#pragma once
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/targets.hpp"
#include "core/config.hpp"
#include "core/digest.hpp"
#include "core/migration.hpp"
#include "sql/parsed_set.hpp"

namespace mgate {

// The report's fingerprint (docs/report.md, "Fingerprint"): what the shards of one run share
// and a run of another commit, configuration or mgate does not. It covers the mgate version,
// mgate.toml and the files it names (seeds, critical and traffic queries, the plans baseline, the
// production stats), the options that change what is judged and how (--gates, --layout, --fail-on,
// --since,
// --staged, --pg-version), and each migration set: its migrations, which of them are gated, and
// the bytes of their scripts. Not --shard, --jobs, the server or the output options.
class RunFingerprint {
 public:
  RunFingerprint(const Config& config, const LintCommand& options);
  void add(const MigrationSet& set, const sql::ParsedSet& parsed);
  void add(const std::vector<LooseSql>& loose);
  std::string hex() const { return digest_.hex(); }

 private:
  Digest digest_;
};

}  // namespace mgate
