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
  return std::move(scan).finish(std::string(chosen->name));
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
