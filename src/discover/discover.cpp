#include "discover/discover.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "core/config.hpp"
#include "discover/layout.hpp"

namespace mgate {
namespace {

struct Layout {
  std::string_view name;
  void (*read)(discovery::Scan&);
};

constexpr std::array<Layout, 7> kLayouts{{
    {"plain", discovery::read_plain},
    {"golang-migrate", discovery::read_golang_migrate},
    {"flyway", discovery::read_flyway},
    {"dbmate", discovery::read_dbmate},
    {"diesel", discovery::read_diesel},
    {"goose", discovery::read_goose},
    {"sqitch", discovery::read_sqitch},
}};

const Layout* find_layout(std::string_view name) {
  auto layout = std::find_if(kLayouts.begin(), kLayouts.end(),
                             [&](const Layout& l) { return l.name == name; });
  return layout == kLayouts.end() ? nullptr : &*layout;
}

// Flyway strips a byte order mark, and so does psql, which runs sqitch's scripts and is how
// plain files are run. golang-migrate and diesel send it to PostgreSQL; dbmate and goose
// reject the file (their readers say so).
bool skips_byte_order_mark(std::string_view layout) {
  return layout == "flyway" || layout == "sqitch" || layout == "plain";
}

std::string known_layouts() {
  std::string known;
  for (const std::string& name : layout_names()) known += (known.empty() ? "" : ", ") + name;
  return known;
}

}  // namespace

MigrationSet discover(const std::filesystem::path& root, const std::filesystem::path& dir,
                      const std::string& layout) {
  if (layout != "auto" && !find_layout(layout))
    throw InputError(fmt::format("unknown layout '{}' (known: {})", layout, known_layouts()));
  discovery::Scan scan(root, dir);
  const Layout* chosen =
      find_layout(layout == "auto" ? discovery::detect_layout(scan.dir()) : layout);
  chosen->read(scan);
  MigrationSet set = std::move(scan).finish(std::string(chosen->name));
  set.skips_byte_order_mark = skips_byte_order_mark(chosen->name);
  return set;
}

const std::vector<std::string>& layout_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all{"auto"};
    for (const Layout& layout : kLayouts) all.emplace_back(layout.name);
    return all;
  }();
  return names;
}

}  // namespace mgate
