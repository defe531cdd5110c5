#include "gates/fixture_loading.hpp"

#include <fmt/core.h>

#include <pqxx/pqxx>

#include <fstream>
#include <iterator>

namespace mgate {
namespace {

std::string read_seed(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError(fmt::format("cannot read the seed file {}", path.string()));
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

LoadedFixtures load_fixtures(pqxx::connection& c, const Config& config,
                             std::vector<std::string>& pending_seeds, long long rows) {
  LoadedFixtures loaded;
  std::erase_if(pending_seeds, [&](const std::string& file) {
    std::string text = read_seed(config.root / file);
    try {
      pqxx::work tx(c);
      tx.exec(text);
      tx.commit();
      loaded.seeds.push_back(file);
      return true;
    } catch (const pqxx::sql_error&) {
      return false;
    }
  });
  auto start = std::chrono::steady_clock::now();
  loaded.generated = pg::generate_fixtures(c, {rows, config.fixtures.random_seed});
  loaded.generated_took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return loaded;
}

}  // namespace mgate
