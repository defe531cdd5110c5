#include "discover/discover.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "core/heap.hpp"
#include "core/layout.hpp"
#include "discover/layout.hpp"

namespace mgate {
namespace {

namespace fs = std::filesystem;

struct Reader {
  std::string_view layout;
  void (*read)(discovery::Scan&, Transaction);
};

constexpr std::array<Reader, 13> kReaders{{
    {"plain", discovery::read_plain},
    {"golang-migrate", discovery::read_golang_migrate},
    {"flyway", discovery::read_flyway},
    {"dbmate", discovery::read_dbmate},
    {"diesel", discovery::read_diesel},
    {"goose", discovery::read_goose},
    {"sqitch", discovery::read_sqitch},
    {"prisma", discovery::read_prisma},
    {"liquibase", discovery::read_liquibase},
    {"sqlx", discovery::read_sqlx},
    {"atlas", discovery::read_atlas},
    {"pop", discovery::read_pop},
    {"sql-migrate", discovery::read_sql_migrate},
}};

const Reader& reader_of(std::string_view layout) {
  return *std::find_if(kReaders.begin(), kReaders.end(),
                       [&](const Reader& r) { return r.layout == layout; });
}

// How a script that declares nothing runs: the layout's rule, or [migrations] transaction where
// the layout leaves it to the runner.
Transaction undeclared_transaction(const Layout& layout, const std::optional<Transaction>& set) {
  if (!set) return layout.transaction;
  if (!layout.configurable_transaction)
    throw InputError(fmt::format(
        "[migrations] transaction = \"{}\" does not apply to {}: {} decides how each script "
        "runs, and a script runs outside a transaction when it says so ({}). Remove the key",
        to_string(*set), layout.name, layout.tool, layout.outside_transaction));
  return *set;
}

}  // namespace

DiscoverOptions discover_options(const Config& config) {
  DiscoverOptions options;
  options.layout = config.migrations.layout;
  options.transaction = config.migrations.transaction;
  auto own = [&](const std::string& file) {
    if (!file.empty()) options.excluded.insert(config.root / file);
  };
  if (!config.file.empty()) options.excluded.insert(config.file);
  own(config.plans.queries);
  own(config.plans.baseline);
  own(config.traffic.queries);
  for (const std::string& seed : config.fixtures.seed) own(seed);
  return options;
}

MigrationSet discover(const fs::path& root, const fs::path& dir, const DiscoverOptions& options) {
  if (options.layout != "auto" && !find_layout(options.layout))
    throw InputError(
        fmt::format("unknown layout '{}' (known: auto, {})", options.layout, layout_list()));
  discovery::Scan scan(root, dir, options.excluded);
  if (scan.many_entries()) expect_a_large_run();  // core/heap.hpp
  std::string name =
      options.layout == "auto" ? discovery::detect_layout(root, scan) : options.layout;
  const Layout& layout = layout_named(name);
  reader_of(layout.name).read(scan, undeclared_transaction(layout, options.transaction));
  return std::move(scan).finish(std::string(layout.name), options.keep_texts);
}

MigrationSet discover(const fs::path& root, const fs::path& dir, const std::string& layout) {
  DiscoverOptions options;
  options.layout = layout;
  return discover(root, dir, options);
}

const std::vector<std::string>& layout_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all{"auto"};
    for (const Layout& layout : all_layouts()) all.emplace_back(layout.name);
    return all;
  }();
  return names;
}

}  // namespace mgate
