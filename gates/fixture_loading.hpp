#pragma once
#include <chrono>
#include <string>
#include <vector>

#include <pqxx/connection>

#include "core/config.hpp"
#include "pg/fixture_generator.hpp"

// Fixture data as the dynamic gates load it before the migrations they check: the user's seed
// files ([fixtures] seed), then generated rows in every table still empty.
namespace mgate {

struct LoadedFixtures {
  std::vector<std::string> seeds;  // the seed files run this time
  pg::GeneratedFixtures generated;
  std::chrono::milliseconds generated_took{0};
};

// Runs each of `pending_seeds` whose tables exist (a seed that fails is kept in `pending_seeds`
// to be tried again later, when a later migration has made its tables), then generates `rows`
// rows per empty table with [fixtures] random_seed. Throws InputError for an unreadable seed.
LoadedFixtures load_fixtures(pqxx::connection& connection, const Config& config,
                             std::vector<std::string>& pending_seeds, long long rows);

}  // namespace mgate
