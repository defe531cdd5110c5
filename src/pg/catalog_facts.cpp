#include "pg/catalog_facts.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include "pg/libpqxx.hpp"
#include "pg/session.hpp"

namespace mgate::pg {
namespace {

// A string literal that means the same whatever standard_conforming_strings the migration set.
std::string literal(std::string_view text) {
  std::string out = "E'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  return out + "'";
}

}  // namespace

bool any_volatile_function(Session& session, const std::vector<std::string>& names) {
  if (names.empty()) return false;
  std::vector<std::string> literals;
  for (const std::string& name : names) literals.push_back(literal(name));
  return session.rows(fmt::format("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_proc WHERE "
                                  "provolatile = 'v' AND proname = ANY (ARRAY[{}]::text[]))",
                                  fmt::join(literals, ", ")))[0][0] == "t";
}

double estimated_rows(Connection& connection, const std::string& relation) {
  pqxx::nontransaction tx(libpqxx(connection));
  pqxx::result r = tx.exec_params(
      "SELECT coalesce((SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)), 0)", relation);
  return r.at(0).at(0).as<double>();
}

void analyze_tables_without_statistics(Connection& connection) {
  pqxx::nontransaction tx(libpqxx(connection));
  pqxx::result tables = tx.exec(
      "SELECT format('%I.%I', n.nspname, t.relname) FROM pg_class t "
      "JOIN pg_namespace n ON n.oid = t.relnamespace "
      "WHERE t.relkind IN ('r', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', "
      "'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND EXISTS (SELECT 1 FROM "
      "pg_attribute a WHERE a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped AND NOT "
      "EXISTS (SELECT 1 FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = "
      "t.relname AND s.attname = a.attname)) ORDER BY 1");
  for (const auto& row : tables) tx.exec(fmt::format("ANALYZE {}", row[0].c_str()));
}

}  // namespace mgate::pg
