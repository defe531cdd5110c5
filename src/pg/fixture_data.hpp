#pragma once
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "pg/fixture_generator.hpp"
#include "pg/provider.hpp"

namespace mgate::pg {

class Connection;

// What one load put into a database.
struct LoadedFixtures {
  std::vector<std::string> seeds;  // the seed files loaded now, as configured
  GeneratedFixtures generated;
  std::chrono::milliseconds generated_ms{0};
};

// The rows a dynamic gate runs each gated migration on, the same for every gate: the user's seed
// files (fixtures.seed), each loaded in one transaction as soon as the tables it fills exist, then
// generated rows (fixtures.rows, fixtures.random_seed) in every table still empty.
class FixtureData {
 public:
  // `root` is the directory seed paths are relative to.
  FixtureData(std::filesystem::path root, std::vector<std::string> seeds, FixtureOptions options);

  // Loads the seeds that apply now (a seed that fails is tried again at the next load) and
  // generates rows, on `connection` (as the migrations' role). Triggers, defaults
  // and checks the migrations defined run meanwhile: the whole load is bounded by `budget`
  // (run_bounded, DeadlineExceeded). Throws InputError for a seed file that cannot be read.
  LoadedFixtures load(Connection& connection, std::chrono::milliseconds budget);

 private:
  std::filesystem::path root_;
  std::vector<std::string> pending_;
  FixtureOptions options_;
};

}  // namespace mgate::pg
