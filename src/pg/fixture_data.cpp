#include "pg/fixture_data.hpp"

#include <fmt/core.h>

#include <fstream>
#include <iterator>

#include "core/config.hpp"
#include "pg/libpqxx.hpp"
#include "pg/watchdog.hpp"

namespace mgate::pg {
namespace {

std::string read_seed(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("cannot read the seed file {}", path.string()));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

FixtureData::FixtureData(std::filesystem::path root, std::vector<std::string> seeds,
                         FixtureOptions options)
    : root_(std::move(root)), pending_(std::move(seeds)), options_(options) {}

LoadedFixtures FixtureData::load(Connection& connection, std::chrono::milliseconds budget) {
  LoadedFixtures out;
  run_bounded(connection, budget, "loading the fixture rows", [&] {
    std::erase_if(pending_, [&](const std::string& file) {
      std::string text = read_seed(root_ / file);
      try {
        pqxx::work tx(libpqxx(connection));
        tx.exec(text);
        tx.commit();
        out.seeds.push_back(file);
        return true;
      } catch (const pqxx::sql_error&) {
        return false;  // its tables do not exist yet: tried again at the next load
      }
    });
    auto start = std::chrono::steady_clock::now();
    out.generated = generate_fixtures(connection, options_);
    out.generated_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
  });
  return out;
}

}  // namespace mgate::pg
