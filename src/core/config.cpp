#include "core/config.hpp"

#include <fmt/core.h>

#include <toml++/toml.h>

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "core/layout.hpp"
#include "core/suggest.hpp"

namespace mgate {
namespace {

namespace fs = std::filesystem;

// PostgreSQL's statement_timeout is an int of milliseconds, and 0 turns it off: a statement
// cannot wait longer than this, and no statement may run unbounded.
constexpr std::chrono::milliseconds kLongestStatementTimeout{2147483647};

class ConfigReader {
 public:
  explicit ConfigReader(const fs::path& file) : file_(file.string()) {}

  [[noreturn]] void fail(const toml::node& node, const std::string& what) const {
    throw InputError(fmt::format("{}:{}:{}: {}", file_, node.source().begin.line,
                                 node.source().begin.column, what));
  }

  std::string string(const toml::node& node, std::string_view key) const {
    if (!node.is_string()) fail(node, fmt::format("'{}' must be a string", key));
    return *node.value<std::string>();
  }
  bool boolean(const toml::node& node, std::string_view key) const {
    if (!node.is_boolean()) fail(node, fmt::format("'{}' must be true or false", key));
    return *node.value<bool>();
  }
  int integer(const toml::node& node, std::string_view key, int min, int max) const {
    if (!node.is_integer()) fail(node, fmt::format("'{}' must be a whole number", key));
    int64_t v = *node.value<int64_t>();
    if (v < min || v > max)
      fail(node, fmt::format("'{}' must be between {} and {}", key, min, max));
    return static_cast<int>(v);
  }
  double number(const toml::node& node, std::string_view key) const {
    if (!node.is_number()) fail(node, fmt::format("'{}' must be a number", key));
    return *node.value<double>();
  }
  std::chrono::milliseconds duration(const toml::node& node, std::string_view key,
                                     std::chrono::milliseconds min,
                                     std::chrono::milliseconds max) const {
    std::string text = string(node, key);
    std::chrono::milliseconds value{};
    try {
      value = parse_duration(text);
    } catch (const InputError& e) {
      fail(node, fmt::format("'{}': {}", key, e.what()));
    }
    if (value < min || value > max) {
      fail(node, fmt::format("'{}' is \"{}\": it must be from {}ms to {}ms (about {}h)", key, text,
                             min.count(), max.count(), max.count() / 3'600'000));
    }
    return value;
  }
  std::vector<std::string> strings(const toml::node& node, std::string_view key) const {
    const toml::array* array = node.as_array();
    if (!array) fail(node, fmt::format("'{}' must be an array of strings", key));
    std::vector<std::string> out;
    for (const auto& item : *array) out.push_back(string(item, key));
    return out;
  }

  using KeyHandler = std::function<void(const toml::node&)>;
  // Calls the handler of each key in the table; any other key is an error.
  void keys(const toml::node& node, std::string_view section,
            const std::map<std::string, KeyHandler>& handlers) const {
    const toml::table* table = node.as_table();
    if (!table) fail(node, fmt::format("[{}] must be a table", section));
    for (const auto& [key, value] : *table) {
      auto handler = handlers.find(std::string(key.str()));
      if (handler == handlers.end()) {
        std::string known;
        for (const auto& [name, unused] : handlers) known += (known.empty() ? "" : ", ") + name;
        fail(value, fmt::format("unknown key '{}' in [{}] (known: {})", key.str(), section, known));
      }
      handler->second(value);
    }
  }

 private:
  std::string file_;
};

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  std::string number(text.substr(0, i));
  std::string unit(text.substr(i));
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  static const std::map<std::string, double> units = {{"ms", 1},      {"s", 1000},  {"sec", 1000},
                                                      {"min", 60000}, {"m", 60000}, {"h", 3600000}};
  auto factor = units.find(unit.empty() ? "ms" : unit);
  if (number.empty() || factor == units.end()) {
    throw InputError(fmt::format("'{}' is not a duration (write e.g. 500ms, 30s, 5min, 1h)", text));
  }
  // Past this the conversion to whole milliseconds would overflow; no setting takes as much.
  constexpr double kLongest = 1e15;
  double value = 0;
  std::size_t used = 0;
  try {
    value = std::stod(number, &used);
  } catch (const std::out_of_range&) {
    // Too many digits for a double: too long, or (all zeros before the point) too short to count.
    bool whole_part = number.find_first_not_of("0.") < number.find('.');
    value = whole_part ? kLongest : 0;
    used = number.size();
  } catch (const std::invalid_argument&) {
    used = 0;
  }
  if (used != number.size()) throw InputError(fmt::format("'{}' is not a duration", text));
  double ms = value * factor->second;
  if (!(ms < kLongest)) throw InputError(fmt::format("'{}' is too long a duration", text));
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

std::optional<Level> configured_level(const RuleSettings& settings, const std::string& rule,
                                      Level level) {
  auto setting = settings.find(rule);
  return setting == settings.end() ? level : setting->second.level;
}

void check_rule_ids(const Config& config, const std::vector<std::string>& known) {
  for (const auto& [id, setting] : config.rules) {
    if (std::find(known.begin(), known.end(), id) != known.end()) continue;
    const auto nearest = nearest_name(id, known);
    throw InputError(
        fmt::format("{}:{}:{}: unknown rule '{}' in [rules] ({}run 'mgate rules' for the list)",
                    config.file.string(), setting.where.line, setting.where.column, id,
                    nearest ? fmt::format("did you mean '{}'? ", *nearest) : std::string()));
  }
}

std::uint64_t parse_size(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  std::string unit(text.substr(i));
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  static const std::map<std::string, double> units = {{"B", 1},
                                                      {"kB", 1024.0},
                                                      {"MB", 1024.0 * 1024},
                                                      {"GB", 1024.0 * 1024 * 1024},
                                                      {"TB", 1024.0 * 1024 * 1024 * 1024}};
  auto factor = units.find(unit);
  double value = 0;
  try {
    value = i > 0 ? std::stod(std::string(text.substr(0, i))) : -1;
  } catch (const std::exception&) {
    value = -1;
  }
  if (factor == units.end() || value <= 0 || value * factor->second > 1e18) {
    throw InputError(
        fmt::format("'{}' is not a size (write e.g. 512MB, 2GB, 1.5GB: kB, MB, GB, TB)", text));
  }
  return static_cast<std::uint64_t>(value * factor->second);
}

std::optional<std::filesystem::path> find_config(const std::filesystem::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  while (!dir.empty()) {
    fs::path candidate = dir / "mgate.toml";
    if (fs::is_regular_file(candidate, ec)) return candidate;
    if (dir == dir.parent_path()) break;
    dir = dir.parent_path();
  }
  return std::nullopt;
}

Config load_config(const std::filesystem::path& file) {
  Config config;
  config.file = file;
  config.root = fs::absolute(file).parent_path();
  toml::table doc;
  try {
    doc = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: {}", file.string(), e.source().begin.line,
                                 e.source().begin.column, e.description()));
  }
  ConfigReader r(file);
  using H = ConfigReader::KeyHandler;
  r.keys(
      doc, "top level",
      {{"migrations", H([&](const toml::node& n) {
          r.keys(n, "migrations",
                 {{"dir", [&](auto& v) { config.migrations.dir = r.string(v, "dir"); }},
                  {"layout",
                   [&](auto& v) {
                     config.migrations.layout = r.string(v, "layout");
                     if (config.migrations.layout != "auto" &&
                         !find_layout(config.migrations.layout)) {
                       r.fail(v, fmt::format("unknown layout '{}' (known: auto, {})",
                                             config.migrations.layout, layout_list()));
                     }
                   }},
                  {"transaction", [&](auto& v) {
                     std::string value = r.string(v, "transaction");
                     config.migrations.transaction = configurable_transaction(value);
                     if (!config.migrations.transaction) {
                       r.fail(v, fmt::format("transaction must be per-migration, per-statement "
                                             "or per-query, not '{}'",
                                             value));
                     }
                   }}});
        })},
       {"naming", H([&](const toml::node& n) {
          r.keys(n, "naming",
                 {{"pattern", [&](auto& v) { config.naming.pattern = r.string(v, "pattern"); }},
                  {"require_down",
                   [&](auto& v) { config.naming.require_down = r.boolean(v, "require_down"); }}});
        })},
       {"rules", H([&](const toml::node& n) {
          const toml::table* table = n.as_table();
          if (!table) r.fail(n, "[rules] must be a table");
          for (const auto& [key, value] : *table) {
            std::string level = r.string(value, key.str());
            const Position where{static_cast<int>(key.source().begin.line),
                                 static_cast<int>(key.source().begin.column)};
            if (level == "off") {
              config.rules[std::string(key.str())] = RuleSetting{std::nullopt, where};
            } else if (auto parsed = parse_level(level)) {
              config.rules[std::string(key.str())] = RuleSetting{parsed, where};
            } else {
              r.fail(value, fmt::format("rule '{}': level must be error, warning, note or off",
                                        key.str()));
            }
          }
        })},
       {"postgres", H([&](const toml::node& n) {
          auto& p = config.postgres;
          r.keys(
              n, "postgres",
              {{"version", [&](auto& v) { p.version = r.integer(v, "version", 10, 99); }},
               {"provider",
                [&](auto& v) {
                  p.provider = r.string(v, "provider");
                  if (p.provider != "local" && p.provider != "docker" && p.provider != "external") {
                    r.fail(v, "provider must be local, docker or external");
                  }
                }},
               {"bin_dir", [&](auto& v) { p.bin_dir = r.string(v, "bin_dir"); }},
               {"image", [&](auto& v) { p.image = r.string(v, "image"); }},
               {"url", [&](auto& v) { p.url = r.string(v, "url"); }},
               {"run_as", [&](auto& v) { p.run_as = r.string(v, "run_as"); }},
               {"superuser", [&](auto& v) { p.superuser = r.boolean(v, "superuser"); }},
               {"extensions", [&](auto& v) { p.extensions = r.strings(v, "extensions"); }},
               {"statement_timeout",
                [&](auto& v) {
                  p.statement_timeout =
                      r.duration(v, "statement_timeout", std::chrono::milliseconds(1),
                                 kLongestStatementTimeout);
                }},
               {"max_disk", [&](auto& v) {
                  std::string text = r.string(v, "max_disk");
                  try {
                    p.max_disk = parse_size(text);
                  } catch (const InputError& e) {
                    r.fail(v, fmt::format("'max_disk': {}", e.what()));
                  }
                }}});
        })},
       {"gates", H([&](const toml::node& n) {
          r.keys(n, "gates", {{"run", [&](auto& v) { config.gates.run = r.strings(v, "run"); }}});
        })},
       {"fixtures", H([&](const toml::node& n) {
          auto& f = config.fixtures;
          r.keys(n, "fixtures",
                 {{"seed", [&](auto& v) { f.seed = r.strings(v, "seed"); }},
                  {"rows", [&](auto& v) { f.rows = r.integer(v, "rows", 0, 1'000'000'000); }},
                  {"random_seed",
                   [&](auto& v) { f.random_seed = r.integer(v, "random_seed", 0, 2'000'000'000); }},
                  {"edge_values", [&](auto& v) { f.edge_values = r.boolean(v, "edge_values"); }},
                  {"production_stats",
                   [&](auto& v) { f.production_stats = r.string(v, "production_stats"); }}});
        })},
       {"locks", H([&](const toml::node& n) {
          r.keys(n, "locks",
                 {{"max_blocking",
                   [&](auto& v) {
                     // "": no budget, as when the key is absent.
                     if (v.is_string() && v.as_string()->get().empty()) return;
                     config.locks.max_blocking = r.duration(
                         v, "max_blocking", std::chrono::milliseconds(0), kLongestStatementTimeout);
                   }},
                  {"blocker_wait", [&](auto& v) {
                     config.locks.blocker_wait = r.duration(
                         v, "blocker_wait", std::chrono::milliseconds(0), kLongestStatementTimeout);
                   }}});
        })},
       {"traffic", H([&](const toml::node& n) {
          auto& t = config.traffic;
          r.keys(n, "traffic",
                 {{"clients", [&](auto& v) { t.clients = r.integer(v, "clients", 0, 256); }},
                  {"blocked_threshold",
                   [&](auto& v) {
                     t.blocked_threshold =
                         r.duration(v, "blocked_threshold", std::chrono::milliseconds(0),
                                    kLongestStatementTimeout);
                   }},
                  {"queries", [&](auto& v) { t.queries = r.string(v, "queries"); }}});
        })},
       {"plans", H([&](const toml::node& n) {
          auto& p = config.plans;
          r.keys(n, "plans",
                 {{"queries", [&](auto& v) { p.queries = r.string(v, "queries"); }},
                  {"runs", [&](auto& v) { p.runs = r.integer(v, "runs", 1, 100000); }},
                  {"warmup", [&](auto& v) { p.warmup = r.integer(v, "warmup", 0, 100000); }},
                  {"rows", [&](auto& v) { p.rows = r.integer(v, "rows", 0, 1'000'000'000); }},
                  {"regression_threshold",
                   [&](auto& v) {
                     p.regression_threshold = r.number(v, "regression_threshold");
                     if (p.regression_threshold < 0) {
                       r.fail(v, "'regression_threshold' must be 0 or more (0.20 means 20%)");
                     }
                   }},
                  {"cost_threshold",
                   [&](auto& v) {
                     p.cost_threshold = r.number(v, "cost_threshold");
                     if (p.cost_threshold < 1) {
                       r.fail(v,
                              "'cost_threshold' is a factor and must be 1 or more (2.0: twice "
                              "the cost)");
                     }
                   }},
                  {"large_table_rows",
                   [&](auto& v) {
                     p.large_table_rows = r.integer(v, "large_table_rows", 0, 2'000'000'000);
                   }},
                  {"baseline", [&](auto& v) { p.baseline = r.string(v, "baseline"); }},
                  {"history", [&](auto& v) { p.history = r.integer(v, "history", 1, 10000); }}});
        })}});
  return config;
}

}  // namespace mgate
