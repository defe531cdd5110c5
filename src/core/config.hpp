#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/execution_plan.hpp"
#include "core/finding.hpp"

namespace mgate {

// A problem with what the user gave us (flags, config, paths): exit code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The machine could not do what was asked (git or PostgreSQL missing or failing): exit code 3.
class EnvironmentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A rule's configured level; `off` disables it.
struct RuleSetting {
  std::optional<Level> level;  // nullopt means off
  Position where;              // of its key in mgate.toml, for messages
};

// [rules] of mgate.toml, by rule id.
using RuleSettings = std::map<std::string, RuleSetting>;

// The level of a finding of `rule` whose own level is `level`, as [rules] configures it:
// nullopt when the rule is off. The one place a rule's configured level is decided.
std::optional<Level> configured_level(const RuleSettings& settings, const std::string& rule,
                                      Level level);

// mgate.toml. Every key is documented in docs/configuration.md.
struct Config {
  std::filesystem::path file;  // the mgate.toml read, empty when none was found
  std::filesystem::path root;  // paths in the config and in reports are relative to it

  struct {
    std::string dir;  // empty: the PATH arguments, or the layout's usual place
    std::string layout = "auto";
    // How a plain runner (or Prisma) sends a script; nullopt: the layout's own rule.
    std::optional<Transaction> transaction;
  } migrations;

  struct {
    std::string pattern;  // empty: the layout's own convention
    bool require_down = false;
  } naming;

  RuleSettings rules;

  struct {
    int version = 15;
    std::string provider = "local";
    std::string bin_dir;
    std::string image = "postgres:15";
    std::string url;
    std::string run_as = "postgres";
    bool superuser = false;
    std::vector<std::string> extensions;
    std::chrono::milliseconds statement_timeout{5 * 60 * 1000};
    std::uint64_t max_disk = 2ULL << 30;  // bytes the server's files may take (local, docker)
  } postgres;

  struct {
    std::vector<std::string> run;  // empty: every gate mgate has
  } gates;

  struct {
    std::vector<std::string> seed;
    int rows = 1000;
    int random_seed = 42;
    bool edge_values =
        true;  // the integrity gate's rows include edge values (docs/gates/integrity.md)
    // How big production is: the file `mgate stats` wrote (docs/stats.md); empty: unknown.
    std::string production_stats;
  } fixtures;

  struct {
    // The longest production's writes may wait behind a lock one migration statement holds,
    // projected to production's row counts; nullopt: no budget.
    std::optional<std::chrono::milliseconds> max_blocking;
    // The blocker probe's bound: how long a migration may wait behind a transaction left open
    // before mgate gives up on it (its lock_timeout when it sets none shorter); 0: no probe.
    std::chrono::milliseconds blocker_wait{1000};
  } locks;

  struct {
    int clients = 4;
    std::chrono::milliseconds blocked_threshold{1000};
    std::string queries;  // the user's workload; empty: generated from the catalog
  } traffic;

  struct {
    std::string queries;
    int runs = 30;
    int warmup = 5;  // untimed runs on each side before the timed ones
    int rows = 0;    // generated rows per table; 0: [fixtures] rows
    double regression_threshold = 0.20;
    double cost_threshold = 2.0;  // a plan whose estimated cost grows past this factor
    int large_table_rows = 1000;  // a new sequential scan on a table this big is reported
    std::string baseline = "mgate-baseline.json";
    int history = 20;  // baseline entries kept for the drift test
  } plans;
};

// Reads and validates a config file. Unknown keys and wrong types are InputErrors that name the
// key and its line.
Config load_config(const std::filesystem::path& file);

// Throws an InputError naming the first [rules] key that is no id of `known` (every rule of
// every gate), with the nearest known id: a misspelt rule must not silently stay at its level.
void check_rule_ids(const Config& config, const std::vector<std::string>& known);

// The nearest mgate.toml in `start` or a directory above it.
std::optional<std::filesystem::path> find_config(const std::filesystem::path& start);

// "5min", "300s", "1500ms", "2h" -> milliseconds; throws InputError.
std::chrono::milliseconds parse_duration(std::string_view text);

// "512MB", "2GB", "1.5GB", "800kB" (PostgreSQL's units, powers of 1024) -> bytes; throws
// InputError.
std::uint64_t parse_size(std::string_view text);

}  // namespace mgate
