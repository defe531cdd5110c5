#include "pg/table_data.hpp"

#include "pg/libpqxx.hpp"

namespace mgate::pg {
namespace {

std::string row_expression(pqxx::transaction_base& tx, const std::vector<std::string>& columns) {
  std::string row = "ROW(";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    row += (i ? ", " : "") + tx.quote_name(columns[i]);
  }
  return row + ")::text";
}

std::vector<std::string> split_names(const std::string& list) {
  std::vector<std::string> names;
  std::size_t start = 0;
  while (!list.empty() && start <= list.size()) {
    std::size_t end = std::min(list.find('\x1f', start), list.size());
    names.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

}  // namespace

std::map<unsigned, TableData> read_table_data(Connection& connection) {
  pqxx::nontransaction tx(libpqxx(connection));
  pqxx::result tables = tx.exec(
      "SELECT c.oid, format('%I.%I', n.nspname, c.relname), "
      "  (SELECT string_agg(a.attname, E'\\x1f' ORDER BY a.attname) FROM pg_attribute a "
      "   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), "
      "  (SELECT string_agg(a.attname, E'\\x1f' ORDER BY array_position(k.conkey, a.attnum)) "
      "   FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid "
      "     AND a.attnum = ANY (k.conkey) WHERE k.conrelid = c.oid AND k.contype = 'p') "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition "
      "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
      "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' "
      "AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass "
      "  AND e.objid = c.oid AND e.deptype = 'e') "
      "ORDER BY 2");
  std::map<unsigned, TableData> out;
  for (const auto& row : tables) {
    TableData t;
    t.oid = row[0].as<unsigned>();
    t.name = row[1].c_str();
    t.columns = split_names(row[2].is_null() ? "" : row[2].c_str());
    t.key = split_names(row[3].is_null() ? "" : row[3].c_str());
    t.rows = tx.exec("SELECT count(*) FROM " + t.name)[0][0].as<long long>();
    out.emplace(t.oid, std::move(t));
  }
  return out;
}

std::string checksum(Connection& connection, const TableData& table,
                     const std::vector<std::string>& columns) {
  pqxx::nontransaction tx(libpqxx(connection));
  // A sum of 64-bit hashes is independent of row order; numeric does not overflow.
  std::string sql = "SELECT count(*) || ':' || coalesce(sum(hashtextextended(" +
                    row_expression(tx, columns) + ", 0)::numeric), 0) FROM " + table.name;
  return tx.exec(sql)[0][0].c_str();
}

std::map<std::string, std::string> row_hashes(Connection& connection, const TableData& table,
                                              const std::vector<std::string>& columns) {
  pqxx::nontransaction tx(libpqxx(connection));
  // Without a primary key the row itself is its key: the sample shows rows gained or lost.
  std::string key = row_expression(tx, table.key.empty() ? columns : table.key);
  std::map<std::string, std::string> out;
  pqxx::result rows = tx.exec("SELECT " + key + "::text, md5(" + row_expression(tx, columns) +
                              ") FROM " + table.name);
  for (const auto& row : rows) {
    std::string k = row[0].c_str();
    // Rows with equal keys (no primary key): keep every one apart.
    while (out.count(k)) k += "'";
    out.emplace(k, row[1].c_str());
  }
  return out;
}

}  // namespace mgate::pg
