#include "pg/fixture_generator.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <set>

#include "pg/libpqxx.hpp"

namespace mgate::pg {
namespace {

struct Column {
  std::string name;
  std::string type;       // format_type of the column: the cast target
  std::string base;       // the base type's name (domains resolved), e.g. int4, varchar, _text
  std::string base_type;  // the base type as regtype text, for enum_range
  char kind = 'b';        // pg_type.typtype of the base: b, e, c, r, ...
  bool array = false;
  std::string element;  // for arrays: the element's name
  char element_kind = 'b';
  std::string element_type;
  int typmod = -1;
  bool not_null = false;
  bool has_default = false;
  bool unique = false;  // part of a unique index
};

struct ForeignKey {
  std::vector<std::string> columns;
  unsigned referenced = 0;
  std::vector<std::string> referenced_columns;
};

struct Table {
  unsigned oid = 0;
  std::string name;
  std::vector<Column> columns;
  std::vector<ForeignKey> keys;
};

constexpr const char* kUserTable =
    "c.relkind IN ('r', 'p') AND NOT c.relispartition "
    "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%' "
    "AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_class'::regclass "
    "  AND e.objid = c.oid AND e.deptype = 'e')";

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (!list.empty() && start <= list.size()) {
    std::size_t end = std::min(list.find('\x1f', start), list.size());
    out.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::map<unsigned, Table> read_tables(pqxx::transaction_base& tx) {
  std::map<unsigned, Table> tables;
  pqxx::result columns = tx.exec(
      std::string(
          "SELECT c.oid, format('%I.%I', n.nspname, c.relname), a.attname, "
          "  format_type(a.atttypid, a.atttypmod), b.typname, b.oid::regtype::text, b.typtype, "
          "  b.typcategory = 'A', coalesce(e.typname, ''), coalesce(e.typtype, 'b'), "
          "  coalesce(e.oid::regtype::text, ''), "
          "  CASE WHEN a.atttypmod >= 0 THEN a.atttypmod ELSE t.typtypmod END, "
          "  a.attnotnull OR coalesce(t.typnotnull, false), "
          "  a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '', "
          "  EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = c.oid AND x.indisunique "
          "    AND a.attnum = ANY (x.indkey)) "
          "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
          "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
          "JOIN pg_type t ON t.oid = a.atttypid "
          "JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END "
          "LEFT JOIN pg_type e ON e.oid = b.typelem AND b.typcategory = 'A' "
          "WHERE ") +
      kUserTable + " ORDER BY c.oid, a.attnum");
  for (const auto& row : columns) {
    Table& t = tables[row[0].as<unsigned>()];
    t.oid = row[0].as<unsigned>();
    t.name = row[1].c_str();
    Column col;
    col.name = row[2].c_str();
    col.type = row[3].c_str();
    col.base = row[4].c_str();
    col.base_type = row[5].c_str();
    col.kind = row[6].c_str()[0];
    col.array = row[7].as<bool>();
    col.element = row[8].c_str();
    col.element_kind = row[9].c_str()[0];
    col.element_type = row[10].c_str();
    col.typmod = row[11].as<int>();
    col.not_null = row[12].as<bool>();
    col.has_default = row[13].as<bool>();
    col.unique = row[14].as<bool>();
    t.columns.push_back(std::move(col));
  }
  pqxx::result keys = tx.exec(
      std::string("SELECT k.conrelid, k.confrelid, "
                  "  (SELECT string_agg(a.attname, E'\\x1f' ORDER BY u.i) FROM unnest(k.conkey) "
                  "   WITH ORDINALITY AS u(col, i) JOIN pg_attribute a ON a.attrelid = k.conrelid "
                  "   AND a.attnum = u.col), "
                  "  (SELECT string_agg(a.attname, E'\\x1f' ORDER BY u.i) FROM unnest(k.confkey) "
                  "   WITH ORDINALITY AS u(col, i) JOIN pg_attribute a ON a.attrelid = k.confrelid "
                  "   AND a.attnum = u.col) "
                  "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
                  "JOIN pg_namespace n ON n.oid = c.relnamespace "
                  "WHERE k.contype = 'f' AND ") +
      kUserTable + " ORDER BY k.conrelid, k.conname");
  for (const auto& row : keys) {
    auto table = tables.find(row[0].as<unsigned>());
    if (table == tables.end()) continue;
    table->second.keys.push_back(
        {split(row[2].c_str()), row[1].as<unsigned>(), split(row[3].c_str())});
  }
  return tables;
}

// Whether every foreign key of `t` to a table in `unfilled` can be left NULL.
bool can_defer(const Table& t, const std::map<unsigned, std::set<unsigned>>& unfilled) {
  for (const ForeignKey& k : t.keys) {
    if (k.referenced != t.oid && !unfilled.count(k.referenced)) continue;
    for (const std::string& name : k.columns) {
      for (const Column& c : t.columns) {
        if (c.name == name && c.not_null) return false;
      }
    }
  }
  return true;
}

// Referenced tables first. In a cycle, a table whose foreign keys into the cycle are nullable
// goes first (those keys stay NULL), in name order.
std::vector<unsigned> fill_order(const std::map<unsigned, Table>& tables) {
  std::map<unsigned, std::set<unsigned>> needs;
  for (const auto& [oid, t] : tables) {
    needs[oid];
    for (const ForeignKey& k : t.keys) {
      if (k.referenced != oid && tables.count(k.referenced)) needs[oid].insert(k.referenced);
    }
  }
  std::vector<unsigned> order;
  auto take = [&](auto it) {
    order.push_back(it->first);
    return needs.erase(it);
  };
  while (!needs.empty()) {
    bool progress = false;
    for (auto it = needs.begin(); it != needs.end();) {
      bool ready = std::all_of(it->second.begin(), it->second.end(),
                               [&](unsigned n) { return !needs.count(n); });
      if (ready) {
        it = take(it);
        progress = true;
      } else {
        ++it;
      }
    }
    if (progress) continue;
    std::vector<unsigned> stuck;
    for (const auto& [oid, _] : needs) stuck.push_back(oid);
    std::sort(stuck.begin(), stuck.end(),
              [&](unsigned a, unsigned b) { return tables.at(a).name < tables.at(b).name; });
    auto first = std::find_if(stuck.begin(), stuck.end(),
                              [&](unsigned oid) { return can_defer(tables.at(oid), needs); });
    take(needs.find(first == stuck.end() ? stuck.front() : *first));
  }
  return order;
}

// Characters a varchar(n)/char(n) column can hold, or 0 for unbounded.
int text_length(const Column& c) {
  if ((c.base == "varchar" || c.base == "bpchar" || c.element == "varchar" ||
       c.element == "bpchar") &&
      c.typmod > 4) {
    return c.typmod - 4;
  }
  return 0;
}

// A value of the scalar type `name` (kind, regtype) for row number `g`; empty when the type is
// not one the generator knows.
std::string scalar(const std::string& name, char kind, const std::string& regtype, const Column& c,
                   const std::string& g, long long seed, pqxx::transaction_base& tx) {
  if (kind == 'e') {
    return fmt::format(
        "(enum_range(NULL::{0}))[1 + ({1}) % array_length(enum_range(NULL::{0}), 1)]", regtype, g);
  }
  if (name == "int2") return fmt::format("(({}) % 32000)", g);
  if (name == "int4" || name == "int8" || name == "oid") return g;
  if (name == "numeric") {
    if (c.typmod < 4) return g;
    int precision = ((c.typmod - 4) >> 16) & 0xffff, scale = (c.typmod - 4) & 0xffff;
    int digits = precision - scale;
    if (digits >= 18) return g;
    if (digits <= 0) return "0";
    long long limit = 1;
    for (int i = 0; i < digits; ++i) limit *= 10;
    return fmt::format("(({}) % {})", g, limit);
  }
  if (name == "float4" || name == "float8") return fmt::format("(({}) + 0.5)", g);
  if (name == "money") return fmt::format("({})::numeric", g);
  if (name == "text" || name == "varchar" || name == "bpchar" || name == "name" ||
      name == "citext") {
    int length = text_length(c);
    std::string prefix = c.name + "_";
    if (length > 0 && static_cast<int>(prefix.size()) + 7 > length) prefix = "";
    std::string value = fmt::format("({} || ({})::text)", tx.quote(prefix), g);
    return length > 0 ? fmt::format("left({}, {})", value, length) : value;
  }
  if (name == "bool") return fmt::format("(({}) % 2 = 0)", g);
  if (name == "date") return fmt::format("(date '2000-01-01' + ({})::int)", g);
  if (name == "timestamp" || name == "timestamptz") {
    return fmt::format("(timestamp '2024-01-01' + ({}) * interval '1 minute')", g);
  }
  if (name == "time" || name == "timetz") {
    return fmt::format("(time '00:00' + (({}) % 86400) * interval '1 second')", g);
  }
  if (name == "interval") return fmt::format("(({}) * interval '1 second')", g);
  if (name == "uuid") return fmt::format("md5('{}:' || ({}))::uuid", seed, g);
  if (name == "json") return fmt::format("json_build_object('n', {})", g);
  if (name == "jsonb") return fmt::format("jsonb_build_object('n', {})", g);
  if (name == "bytea") return fmt::format("decode(md5('{}:' || ({})), 'hex')", seed, g);
  if (name == "inet") return fmt::format("('10.0.0.0'::inet + ({}))", g);
  return "";
}

// The friendly value of column `c` for row number `g`: distinct per row, inside every limit.
std::string friendly_value(const Column& c, const std::string& g, long long seed,
                           pqxx::transaction_base& tx) {
  std::string v = c.array ? scalar(c.element, c.element_kind, c.element_type, c, g, seed, tx)
                          : scalar(c.base, c.kind, c.base_type, c, g, seed, tx);
  if (v.empty()) {
    if (!c.not_null) return "NULL";
    // Many types accept an integer's text (oid-like, ranges of numbers fail loudly).
    v = fmt::format("({})::text", g);
  }
  if (c.array) v = "ARRAY[" + v + "]";
  return fmt::format("({})::{}", v, c.type);
}

// The longest string an edge value of an unbounded text column has, and the longest declared
// limit an edge value fills to the last character: longer ones would only make the rows heavy.
constexpr int kLongText = 300;
constexpr int kLongestFilledLimit = 2000;

// Values at the edges of the scalar type `name`, as SQL literals: what production holds and a
// friendly generator never writes. Empty for a type without such edges (bool, enums).
std::vector<std::string> type_edges(const std::string& name, const Column& c) {
  if (name == "int2") return {"0", "-1", "32767", "-32768"};
  if (name == "int4") return {"0", "-1", "2147483647", "-2147483648"};
  if (name == "int8") return {"0", "-1", "9223372036854775807", "-9223372036854775808"};
  if (name == "oid") return {"0", "4294967295"};
  if (name == "numeric") {
    if (c.typmod < 4) return {"0", "-1", "'NaN'", "1e20", "-1e20"};
    int precision = ((c.typmod - 4) >> 16) & 0xffff, scale = (c.typmod - 4) & 0xffff;
    std::string largest = precision > scale ? std::string(precision - scale, '9') : "0";
    if (scale > 0) largest += "." + std::string(scale, '9');
    return {"0", largest, "-" + largest};
  }
  if (name == "float4" || name == "float8") {
    return {"0", "-1.5", "'NaN'", "'Infinity'", "'-Infinity'"};
  }
  if (name == "money") return {"0", "'-1.00'"};
  if (name == "text" || name == "varchar" || name == "bpchar" || name == "name" ||
      name == "citext") {
    std::vector<std::string> out{"''", "'   '"};
    int length = text_length(c);
    if (length == 0) {
      out.push_back("'zürich – 東京 ✓'");
      out.push_back(fmt::format("repeat('x', {})", kLongText));
    } else if (length <= kLongestFilledLimit) {
      out.push_back(fmt::format("repeat('x', {})", length));
      out.push_back(fmt::format("repeat('é', {})", length));
    }
    return out;
  }
  if (name == "date") return {"'infinity'", "'-infinity'", "'0001-01-01'", "'9999-12-31'"};
  if (name == "timestamp" || name == "timestamptz") {
    return {"'infinity'", "'-infinity'", "'0001-01-01 00:00:00'", "'9999-12-31 23:59:59'"};
  }
  if (name == "time" || name == "timetz") return {"'00:00'", "'23:59:59.999999'"};
  if (name == "interval") return {"'0'", "'-1 day'", "'1000 years'"};
  if (name == "uuid") return {"'00000000-0000-0000-0000-000000000000'"};
  if (name == "json" || name == "jsonb") {
    return {"'null'", "'[]'", "'{}'", "'\"text\"'", "'0'", R"('{"n": {"n": [1, "two", null]}}')"};
  }
  if (name == "bytea") return {"''"};
  if (name == "inet") return {"'::1'", "'0.0.0.0'"};
  return {};
}

// The hardest values column `c` allows, each an expression: NULL where it is nullable; where it
// is not unique, a duplicate (row 1's value again) and its type's edges (type_edges; for an
// array, the empty array and an array of one NULL). A value in a key-like column with no foreign
// key (0, -1, the type's maximum) points at no row, as values in production often do.
std::vector<std::string> edge_values(const Column& c, long long seed, pqxx::transaction_base& tx) {
  std::vector<std::string> out;
  if (!c.not_null) out.push_back("NULL");
  if (c.unique) return out;
  out.push_back(friendly_value(c, "1", seed, tx));
  if (c.array) {
    out.insert(out.end(), {"'{}'", "'{NULL}'"});
    return out;
  }
  for (std::string& edge : type_edges(c.base, c)) out.push_back(std::move(edge));
  return out;
}

// Column `c`'s value for row number `g`: friendly, or with `edges`, in one row in kEdgeRowEvery
// one of its edge values, in turn.
std::string value(const Column& c, const std::string& g, long long seed, pqxx::transaction_base& tx,
                  bool edges) {
  std::string friendly = friendly_value(c, g, seed, tx);
  if (!edges) return friendly;
  std::vector<std::string> hard = edge_values(c, seed, tx);
  if (hard.empty()) return friendly;
  std::string cases;
  for (std::size_t i = 0; i < hard.size(); ++i) {
    cases += fmt::format(" WHEN {} THEN ({})::{}", i, hard[i], c.type);
  }
  return fmt::format(
      "(CASE WHEN ({0}) % {1} = 0 THEN CASE (({0}) / {1}) % {2}{3} END ELSE {4} END)", g,
      kEdgeRowEvery, hard.size(), cases, friendly);
}

// The INSERT for one table, or the reason it cannot be written.
struct Insert {
  std::string sql;
  std::string problem;
};

// How a table's rows are made: with edge values, friendly, or friendly with small values (few
// distinct values in every column that is not unique, for a CHECK that bounds them).
enum class Style { edges, friendly, narrow };

// `series` is the row numbers the INSERT writes, e.g. generate_series(1, 1000).
Insert build_insert(pqxx::transaction_base& tx, const Table& t,
                    const std::map<unsigned, long long>& available, const FixtureOptions& options,
                    Style style, const std::string& series) {
  std::map<std::string, std::string> chosen;  // column -> expression
  std::string joins;
  int n = 0;
  for (const ForeignKey& k : t.keys) {
    if (std::any_of(k.columns.begin(), k.columns.end(),
                    [&](const std::string& col) { return chosen.count(col); })) {
      continue;
    }
    auto rows = available.find(k.referenced);
    if (k.referenced == t.oid || rows == available.end() || rows->second == 0) {
      for (const std::string& col : k.columns) {
        auto c = std::find_if(t.columns.begin(), t.columns.end(),
                              [&](const Column& x) { return x.name == col; });
        if (c != t.columns.end() && c->not_null) {
          return {"", fmt::format("the NOT NULL foreign key column {} references a table with no "
                                  "rows yet (a cycle, or a table that could not be filled)",
                                  col)};
        }
        chosen[col] = "NULL";
      }
      continue;
    }
    std::string alias = "f" + std::to_string(n++);
    std::string referenced_columns;
    for (std::size_t i = 0; i < k.referenced_columns.size(); ++i) {
      referenced_columns += (i ? ", " : "") + tx.quote_name(k.referenced_columns[i]);
      chosen[k.columns[i]] = alias + "." + tx.quote_name(k.referenced_columns[i]);
    }
    std::string referenced =
        tx.exec1(fmt::format("SELECT {}::regclass::text", k.referenced))[0].c_str();
    joins += fmt::format(" JOIN (SELECT {0}, row_number() OVER (ORDER BY {0}) AS rn FROM {1}) {2}",
                         referenced_columns, referenced, alias);
    joins += fmt::format(" ON {}.rn = (s.g - 1 + {}) % {} + 1", alias, options.seed, rows->second);
  }
  std::string names, values;
  for (const Column& c : t.columns) {
    std::string expression;
    if (auto it = chosen.find(c.name); it != chosen.end()) {
      expression = it->second;
    } else if (c.has_default) {
      continue;
    } else {
      std::string g = style == Style::narrow && !c.unique ? "((s.g - 1) % 7 + 1)" : "s.g";
      expression = value(c, g, options.seed, tx, style == Style::edges);
    }
    names += (names.empty() ? "" : ", ") + tx.quote_name(c.name);
    values += (values.empty() ? "" : ", ") + expression;
  }
  if (names.empty()) {
    return {fmt::format("INSERT INTO {} SELECT FROM {} AS s(g)", t.name, series), ""};
  }
  return {fmt::format("INSERT INTO {} ({}) SELECT {} FROM {} AS s(g){}", t.name, names, values,
                      series, joins),
          ""};
}

}  // namespace

GeneratedFixtures generate_fixtures(Connection& connection, const FixtureOptions& options) {
  pqxx::nontransaction tx(libpqxx(connection));
  std::map<unsigned, Table> tables = read_tables(tx);
  std::map<unsigned, long long> available;  // rows in each table the generator may reference
  std::set<unsigned> empty;
  // Every table's rows in one round trip: a load runs before every gated migration, and a query
  // per table made the loads of a long history grow with the square of its tables.
  std::string counts;
  for (const auto& [oid, t] : tables) {
    if (!counts.empty()) counts += " UNION ALL ";
    counts += fmt::format("SELECT {}::oid, count(*) FROM {}", oid, t.name);
  }
  if (!counts.empty()) {
    for (const auto& row : tx.exec(counts)) {
      const unsigned oid = row[0].as<unsigned>();
      const long long rows = row[1].as<long long>();
      if (rows > 0) {
        available[oid] = rows;
      } else {
        empty.insert(oid);
      }
    }
  }
  GeneratedFixtures out;
  for (unsigned oid : fill_order(tables)) {
    if (!empty.count(oid)) continue;
    const Table& t = tables.at(oid);
    std::string reason;
    bool filled = false;
    Style style = Style::friendly;
    std::string edges_refused;
    auto start = std::chrono::steady_clock::now();
    std::vector<Style> styles{Style::friendly, Style::narrow};
    if (options.edges) styles.insert(styles.begin(), Style::edges);
    for (Style attempt : styles) {
      style = attempt;
      Insert insert = build_insert(tx, t, available, options, style,
                                   fmt::format("generate_series(1, {})", options.rows));
      if (!insert.problem.empty()) {
        reason = insert.problem;
        break;
      }
      try {
        tx.exec(insert.sql);
        filled = true;
        break;
      } catch (const pqxx::sql_error& e) {
        reason = e.what();
        while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' '))
          reason.pop_back();
        if (style == Style::edges) edges_refused = reason;
      }
    }
    if (!filled) {
      out.unfilled.push_back({t.name, reason});
      continue;
    }
    available[oid] = options.rows;
    out.filled.push_back({t.name, options.rows, style == Style::edges, edges_refused,
                          std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - start)});
  }
  return out;
}

namespace {

// The generator's INSERT of the rows `series` numbers into `table`, friendly or narrow; empty
// when the generator cannot write a row of it.
std::string generated_insert(pqxx::transaction_base& tx, const std::string& table, long long seed,
                             Style style, const std::string& series) {
  std::map<unsigned, Table> tables = read_tables(tx);
  auto t = std::find_if(tables.begin(), tables.end(),
                        [&](const auto& entry) { return entry.second.name == table; });
  if (t == tables.end()) return "";
  std::map<unsigned, long long> available;
  for (const ForeignKey& k : t->second.keys) {
    auto referenced = tables.find(k.referenced);
    if (referenced == tables.end()) continue;
    available[k.referenced] =
        tx.exec1("SELECT count(*) FROM " + referenced->second.name)[0].as<long long>();
  }
  Insert insert = build_insert(tx, t->second, available, {1, seed}, style, series);
  return insert.problem.empty() ? insert.sql : "";
}

}  // namespace

std::string generated_row_insert(Connection& connection, const std::string& table, long long seed) {
  pqxx::nontransaction tx(libpqxx(connection));
  return generated_insert(tx, table, seed, Style::friendly,
                          "generate_series($1::bigint, $1::bigint)");
}

std::string append_generated_rows(Connection& connection, const std::string& table,
                                  long long first_row, long long rows, long long seed) {
  pqxx::nontransaction tx(libpqxx(connection));
  std::string series =
      fmt::format("generate_series({}::bigint, {}::bigint)", first_row, first_row + rows - 1);
  std::string reason = fmt::format("the generator cannot write a row of {}", table);
  for (Style style : {Style::friendly, Style::narrow}) {
    std::string insert = generated_insert(tx, table, seed, style, series);
    if (insert.empty()) return reason;
    try {
      tx.exec0(insert);
      return "";
    } catch (const pqxx::sql_error& e) {
      reason = e.what();
    }
  }
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  return reason;
}

}  // namespace mgate::pg
