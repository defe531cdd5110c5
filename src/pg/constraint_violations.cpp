#include "pg/constraint_violations.hpp"

#include "pg/libpqxx.hpp"

namespace mgate::pg {
namespace {

constexpr int kSample = 3;

ConstraintViolation violation(std::string kind, std::string table, std::string name,
                              std::string definition, bool validated = true) {
  ConstraintViolation v;
  v.kind = std::move(kind);
  v.table = std::move(table);
  v.name = std::move(name);
  v.definition = std::move(definition);
  v.validated = validated;
  return v;
}

constexpr const char* kUserTable =
    "c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' "
    "AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass "
    "  AND e.objid = c.oid AND e.deptype = 'e')";

// Counts the rows of `table` matching `condition` and keeps a sample of them (`shown`: what of
// each row, by default the whole row as text).
void count_rows(pqxx::transaction_base& tx, const std::string& from, const std::string& condition,
                ConstraintViolation& v, const std::string& shown = "t::text") {
  v.rows = tx.exec("SELECT count(*) FROM " + from + " WHERE " + condition)[0][0].as<long long>();
  if (v.rows == 0) return;
  pqxx::result sample = tx.exec("SELECT " + shown + " FROM " + from + " WHERE " + condition +
                                " LIMIT " + std::to_string(kSample));
  for (const auto& row : sample) v.sample.push_back(row[0].c_str());
}

void check_constraints(pqxx::transaction_base& tx, std::vector<ConstraintViolation>& out) {
  pqxx::result checks = tx.exec(
      std::string(
          "SELECT format('%I.%I', n.nspname, c.relname), k.conname, pg_get_constraintdef(k.oid), "
          "  k.convalidated, pg_get_expr(k.conbin, k.conrelid) "
          "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
          "JOIN pg_namespace n ON n.oid = c.relnamespace "
          "WHERE k.contype = 'c' AND NOT c.relispartition AND ") +
      kUserTable + " ORDER BY 1, 2");
  for (const auto& row : checks) {
    ConstraintViolation v =
        violation("check", row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].as<bool>());
    // A CHECK passes when its expression is true or NULL.
    count_rows(tx, v.table + " t", "(" + std::string(row[4].c_str()) + ") IS FALSE", v);
    if (v.rows > 0) out.push_back(std::move(v));
  }
}

void check_foreign_keys(pqxx::transaction_base& tx, std::vector<ConstraintViolation>& out) {
  pqxx::result keys = tx.exec(
      std::string(
          "SELECT format('%I.%I', n.nspname, c.relname), k.conname, pg_get_constraintdef(k.oid), "
          "  k.convalidated, k.confrelid::regclass::text, "
          "  (SELECT string_agg(format('t.%I IS NOT NULL AND t.%I = r.%I', a.attname, a.attname, "
          "     f.attname), ' AND ' ORDER BY u.i) "
          "   FROM unnest(k.conkey, k.confkey) WITH ORDINALITY AS u(col, fcol, i) "
          "   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.col "
          "   JOIN pg_attribute f ON f.attrelid = k.confrelid AND f.attnum = u.fcol), "
          "  (SELECT string_agg(format('t.%I IS NOT NULL', a.attname), ' AND ') "
          "   FROM pg_attribute a WHERE a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)) "
          "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
          "JOIN pg_namespace n ON n.oid = c.relnamespace "
          "WHERE k.contype = 'f' AND NOT c.relispartition AND ") +
      kUserTable + " ORDER BY 1, 2");
  for (const auto& row : keys) {
    ConstraintViolation v =
        violation("foreign key", row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].as<bool>());
    // MATCH SIMPLE: a row with a NULL in the key references nothing and is not an orphan.
    std::string orphan = std::string(row[6].c_str()) + " AND NOT EXISTS (SELECT 1 FROM " +
                         row[4].c_str() + " r WHERE " + row[5].c_str() + ")";
    count_rows(tx, v.table + " t", orphan, v);
    if (v.rows > 0) out.push_back(std::move(v));
  }
}

void check_not_null(pqxx::transaction_base& tx, std::vector<ConstraintViolation>& out) {
  pqxx::result columns = tx.exec(
      std::string(
          "SELECT format('%I.%I', n.nspname, c.relname), a.attname "
          "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
          "JOIN pg_namespace n ON n.oid = c.relnamespace "
          "WHERE a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull AND NOT c.relispartition "
          "AND ") +
      kUserTable + " ORDER BY 1, 2");
  for (const auto& row : columns) {
    ConstraintViolation v = violation("not null", row[0].c_str(), row[1].c_str(), "NOT NULL");
    count_rows(tx, v.table + " t", "t." + tx.quote_name(v.name) + " IS NULL", v);
    if (v.rows > 0) out.push_back(std::move(v));
  }
}

void check_indexes(pqxx::transaction_base& tx, std::vector<ConstraintViolation>& out) {
  pqxx::result indexes = tx.exec(
      std::string(
          "SELECT format('%I.%I', n.nspname, c.relname), i.relname, pg_get_indexdef(x.indexrelid) "
          "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
          "JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
          "WHERE NOT x.indisvalid AND ") +
      kUserTable + " ORDER BY 1, 2");
  for (const auto& row : indexes) {
    out.push_back(
        violation("invalid index", row[0].c_str(), row[1].c_str(), row[2].c_str(), false));
  }
}

}  // namespace

std::vector<ConstraintViolation> find_violations(Connection& connection) {
  pqxx::nontransaction tx(libpqxx(connection));
  std::vector<ConstraintViolation> out;
  check_constraints(tx, out);
  check_foreign_keys(tx, out);
  check_not_null(tx, out);
  check_indexes(tx, out);
  return out;
}

ConstraintViolation rows_breaking(Connection& connection, const std::string& schema,
                                  const std::string& table, const std::string& column,
                                  const std::string& type) {
  return translated([&] {
    pqxx::work tx(libpqxx(connection));
    std::string from =
        (schema.empty() ? "" : tx.quote_name(schema) + ".") + tx.quote_name(table) + " t";
    std::string value = "t." + tx.quote_name(column);
    std::string name = (schema.empty() ? "" : schema + ".") + table;
    if (type.empty()) {
      ConstraintViolation v = violation("not null", name, column, "NOT NULL");
      count_rows(tx, from, value + " IS NULL", v);
      return v;
    }
    // Assignment in PL/pgSQL converts as ALTER COLUMN ... TYPE without USING does, and fails on
    // the same values (too long, out of range, not of the type's syntax, a domain's CHECK).
    tx.exec(
        "CREATE FUNCTION pg_temp.mgate_converts(v anyelement) RETURNS boolean "
        "LANGUAGE plpgsql AS $mgate$ DECLARE converted " +
        type +
        "; BEGIN converted := v; RETURN true; "
        "EXCEPTION WHEN data_exception OR integrity_constraint_violation THEN RETURN false; "
        "END $mgate$");
    ConstraintViolation v = violation("type", name, column, type);
    count_rows(tx, from, "NOT pg_temp.mgate_converts(" + value + ")", v,
               "DISTINCT quote_nullable(" + value + ")");
    return v;  // the transaction is rolled back: the function goes with it
  });
}

}  // namespace mgate::pg
