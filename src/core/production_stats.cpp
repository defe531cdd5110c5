#include "core/production_stats.hpp"

#include <fmt/core.h>

#include <fstream>
#include <iterator>

#include "core/config.hpp"
#include "core/json_fields.hpp"

namespace mgate {
namespace {

using Json = nlohmann::json;

// A count or size of the catalog's: a whole number, -1 where the catalog does not know it.
long long count(const JsonFields& fields, std::string_view key, const std::string& where,
                const std::string& source) {
  long long value = fields.integer(key);
  if (value < -1) {
    throw InputError(fmt::format("{}: {}.{} is {}: expected a count, or -1 for unknown", source,
                                 where, key, value));
  }
  return value;
}

RelationSize relation_from(const JsonFields& r, const std::string& name,
                           const std::string& source) {
  RelationSize out;
  out.kind = r.text("kind");
  long long rows = count(r, "rows", "relations." + name, source);
  if (rows >= 0) out.rows = rows;
  out.bytes = count(r, "bytes", "relations." + name, source);
  out.index_bytes = count(r, "index_bytes", "relations." + name, source);
  for (std::size_t i = 0; i < r.array("indexes").size(); ++i) {
    JsonFields index = r.element("indexes", i);
    out.indexes.push_back({index.text("name"), index.integer("bytes")});
  }
  return out;
}

}  // namespace

std::optional<long long> ProductionStats::rows_of(const std::string& table) const {
  auto it = relations.find(table);
  if (it == relations.end()) return std::nullopt;
  return it->second.rows;
}

ProductionStats production_stats_from_json(std::string_view text, const std::string& source) {
  Json doc = Json::parse(std::string(text), nullptr, false);
  if (doc.is_discarded()) {
    throw InputError(fmt::format(
        "{} is not JSON: write it with 'mgate stats --output {}' (docs/stats.md)", source, source));
  }
  const std::string current = fmt::format("{}{}", kProductionStatsPrefix, kProductionStatsVersion);
  int version = document_version(doc, kProductionStatsPrefix);
  if (version <= 0) {
    throw InputError(fmt::format(
        "{} is not an mgate stats file (expected a JSON object with \"schema\": \"{}\"): write "
        "one with 'mgate stats' (docs/stats.md), or point [fixtures] production_stats elsewhere",
        source, current));
  }
  if (version > kProductionStatsVersion) {
    throw InputError(fmt::format(
        "{} was written by a newer mgate ({}; this one reads {}): upgrade mgate, or write the "
        "file again with this one's 'mgate stats'",
        source, doc["schema"].get<std::string>(), current));
  }
  JsonFields fields(doc, source);
  ProductionStats out;
  out.source = source;
  out.server_version = fields.text("server_version");
  out.database = fields.text("database");
  out.taken_at = fields.text("taken_at");
  JsonFields relations = fields.object("relations");
  for (const auto& [name, value] : fields.any("relations").items()) {
    out.relations[name] = relation_from(relations.object(name), name, source);
  }
  return out;
}

std::optional<ProductionStats> read_production_stats(const Config& config) {
  if (config.fixtures.production_stats.empty()) return std::nullopt;
  std::filesystem::path path = config.root / config.fixtures.production_stats;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(fmt::format(
        "cannot read [fixtures] production_stats {}: write it with 'mgate stats --database-url "
        "URL --output {}' (docs/stats.md)",
        path.string(), config.fixtures.production_stats));
  }
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return production_stats_from_json(text, config.fixtures.production_stats);
}

}  // namespace mgate
