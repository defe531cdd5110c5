#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/finding.hpp"
#include "core/gate_result.hpp"
#include "core/version.hpp"

namespace mgate {

// What a report says about a kind of finding: shown in `mgate rules` and SARIF's rule table.
struct RuleDescriptor {
  std::string id;
  std::string gate;
  Level default_level = Level::error;
  std::string summary;  // one sentence
  std::string help_uri;
};

// Where a rule is documented: docs/rules/<id>.md for lint rules, the gate's page for the rest.
std::string rule_help_uri(std::string_view rule_id, std::string_view gate = "lint");

struct MigrationEntry {
  std::string version;
  std::string name;
  std::string up;    // file, or "" when there is none
  std::string down;  // file, or "" when there is none
  bool gated = true;
};

// How one migrations directory was read: by which layout, and whether `auto` detected it.
struct LayoutChoice {
  std::string dir;  // relative to the root
  std::string layout;
  bool detected = false;
  int migrations = 0;  // read from it, gated or not
};

struct PostgresInfo {
  std::string provider;
  std::string version;
};

enum class FailOn { error, warning, never };

std::string_view to_string(FailOn fail_on);
std::optional<FailOn> parse_fail_on(std::string_view text);

// The gated migrations of one migrations directory that a `--shard K/N` run checked: the first
// and the last of its range, and how many.
struct ShardRange {
  std::string first;
  std::string last;
  int migrations = 0;
};

// Which part of the work a `--shard K/N` run did (docs/report.md, "Shards").
struct ShardInfo {
  int index = 1;  // K, from 1
  int count = 1;  // N
  // One per migrations directory whose range holds a gated migration; empty when the shard
  // had nothing to check.
  std::vector<ShardRange> ranges;
};

struct Summary {
  bool passed = true;
  int errors = 0;
  int warnings = 0;
  int notes = 0;
};

// Where and when a run happened, for the reports' headers; each is empty when unknown.
struct RunContext {
  std::string commit;  // the full id of the commit checked out at the root (HEAD)
  std::string base;    // --since as given: the ref the gated migrations are new against
  std::string time;    // when the run started, ISO 8601 UTC ("2026-12-06T12:20:00Z")
};

struct Report {
  std::string tool_version{version()};
  std::string root;  // the repository root that file paths are relative to (absolute)
  RunContext run;
  std::optional<PostgresInfo> postgres;
  // One per migrations directory; SQL named on the command line that no layout reads as a
  // migration, and standard input, have none.
  std::vector<LayoutChoice> layouts;
  std::vector<MigrationEntry> migrations;
  std::vector<GateResult> gates;
  std::map<std::string, RuleDescriptor> rules;  // every rule a finding may name
  FailOn fail_on = FailOn::error;
  // Of the gated set and the configuration that judged it: reports of the shards of one run
  // have the same fingerprint (docs/report.md, "Fingerprint"). Empty for a report made
  // without one (a unit test's).
  std::string fingerprint;
  std::optional<ShardInfo> shard;  // a --shard run's part
  int merged_shards = 0;           // a report mgate merge made: from how many shards

  // All findings of all gates in the one order every report lists them: by migration in apply
  // order (those of no migration last), then its up file before its down file before other
  // files, then line, column and rule; a finding without a location after those with one.
  std::vector<const Finding*> findings() const;
  Summary summary() const;
  // The migrations that a finding at or above fail_on names: their status is "fail".
  std::set<std::string> failed_migrations() const;
};

bool fails(Level level, FailOn fail_on);

}  // namespace mgate
