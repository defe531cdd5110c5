#include "gates/plans_queries.hpp"

#include <fmt/core.h>

#include <cctype>
#include <fstream>
#include <iterator>
#include <set>

#include "sql/parsed_script.hpp"

namespace mgate {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front()))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

class QueryFileParser {
 public:
  explicit QueryFileParser(const SourceFile& file) : file_(file) {}

  std::vector<CriticalQuery> parse() {
    std::string_view text = file_.text();
    std::size_t offset = 0;
    while (offset < text.size()) {
      std::size_t nl = text.find('\n', offset);
      std::size_t end = nl == std::string_view::npos ? text.size() : nl;
      line(offset, text.substr(offset, end - offset));
      offset = end + 1;
    }
    finish_query();
    return std::move(queries_);
  }

 private:
  [[noreturn]] void fail(std::size_t offset, const std::string& what) const {
    Position at = file_.position(offset);
    throw InputError(fmt::format("{}:{}:{}: {}", file_.path(), at.line, at.column, what));
  }

  void line(std::size_t offset, std::string_view text) {
    std::string_view content = trim(text);
    std::size_t indent = text.find_first_not_of(" \t");
    std::size_t at = offset + (indent == std::string_view::npos ? 0 : indent);
    if (content.starts_with("--")) {
      std::string_view comment = trim(content.substr(2));
      if (comment.starts_with("name:")) return name_line(at, trim(comment.substr(5)));
      if (comment.starts_with("param:")) return param_line(at, trim(comment.substr(6)));
      // Any other comment is the author's: above the first query it describes the file, in a
      // query it stays in the query's text.
      if (!current_) return;
    }
    if (content.empty() && (!current_ || trim(body_).empty())) return;
    if (!current_) {
      fail(at,
           "SQL before the first '-- name:' line: every critical query starts with "
           "'-- name: <name> [budget_ms=<ms>]'");
    }
    if (body_.empty()) body_start_ = offset;
    body_ += std::string(text) + "\n";
  }

  void name_line(std::size_t at, std::string_view rest) {
    finish_query();
    CriticalQuery q;
    q.location = locate(file_, {at, at});
    std::size_t space = rest.find_first_of(" \t");
    q.name = std::string(rest.substr(0, space));
    if (!is_identifier(q.name)) {
      fail(at, fmt::format("'{}' is not a query name: use letters, digits and _", q.name));
    }
    if (!names_.insert(q.name).second) {
      fail(at, fmt::format("a second query named {}: names must be unique", q.name));
    }
    std::string_view attributes = space == std::string_view::npos ? "" : rest.substr(space);
    while (!(attributes = trim(attributes)).empty()) {
      std::size_t stop = attributes.find_first_of(" \t");
      std::string_view attribute = attributes.substr(0, stop);
      attributes = stop == std::string_view::npos ? "" : attributes.substr(stop);
      if (!attribute.starts_with("budget_ms=")) {
        fail(at, fmt::format("unknown attribute '{}' of query {} (known: budget_ms=<ms>)",
                             attribute, q.name));
      }
      std::string value(attribute.substr(10));
      char* end = nullptr;
      double ms = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !(ms > 0)) {
        fail(at, fmt::format("budget_ms of query {} must be a positive number of milliseconds, "
                             "not '{}'",
                             q.name, value));
      }
      q.budget_ms = ms;
    }
    current_ = std::move(q);
    name_offset_ = at;
    param_lines_.clear();
  }

  void param_line(std::size_t at, std::string_view rest) {
    if (!current_) fail(at, "'-- param:' before the first '-- name:' line");
    if (!trim(body_).empty()) {
      fail(at, fmt::format("'-- param:' inside the SQL of query {}: put the parameters right "
                           "under its name line",
                           current_->name));
    }
    std::size_t eq = rest.find('=');
    std::string name(trim(rest.substr(0, eq)));
    if (eq == std::string_view::npos || !is_identifier(name)) {
      fail(at, "write a parameter as '-- param: <name>=<SQL literal>', e.g. -- param: user_id=42");
    }
    std::string value(trim(rest.substr(eq + 1)));
    if (value.empty()) fail(at, fmt::format("the parameter {} has no value", name));
    if (!current_->params.emplace(name, value).second) {
      fail(at, fmt::format("the parameter {} is given twice for query {}", name, current_->name));
    }
    param_lines_[name] = at;
  }

  void finish_query() {
    if (!current_) return;
    CriticalQuery q = std::move(*current_);
    current_.reset();
    std::string_view body = trim(body_);
    if (body.empty()) fail(name_offset_, fmt::format("the query {} has no SQL", q.name));
    q.sql = substitute(q, std::string(body));
    while (!q.sql.empty() && (q.sql.back() == ';' || std::isspace(q.sql.back()))) q.sql.pop_back();
    SourceFile sent("", q.sql);
    sql::ParsedScript parsed = sql::parse_script(sent);
    if (parsed.error) {
      fail(name_offset_,
           fmt::format("the query {} does not parse: {}", q.name, parsed.error->message));
    }
    if (parsed.statements.size() != 1) {
      fail(name_offset_, fmt::format("the query {} holds {} statements: give each its own "
                                     "'-- name:' line",
                                     q.name, parsed.statements.size()));
    }
    body_.clear();
    queries_.push_back(std::move(q));
  }

  // Replaces each :name outside literals, quoted identifiers, comments and :: casts by its
  // value; every parameter must be used and every use must have a value.
  std::string substitute(const CriticalQuery& q, const std::string& body) {
    std::string out;
    std::set<std::string> used;
    const std::size_t base = body_start_ + (body_.find_first_not_of(" \t\r\n"));
    std::size_t i = 0;
    auto copy_until = [&](char close) {
      out += body[i++];
      while (i < body.size()) {
        out += body[i];
        if (body[i++] == close) {
          if (i < body.size() && body[i] == close) {  // doubled: an escaped quote
            out += body[i++];
            continue;
          }
          return;
        }
      }
    };
    while (i < body.size()) {
      char c = body[i];
      if (c == '\'' || c == '"') {
        copy_until(c);
      } else if (c == '-' && i + 1 < body.size() && body[i + 1] == '-') {
        std::size_t nl = body.find('\n', i);
        std::size_t end = nl == std::string::npos ? body.size() : nl;
        out += body.substr(i, end - i);
        i = end;
      } else if (c == ':' && i + 1 < body.size() && body[i + 1] == ':') {
        out += "::";
        i += 2;
      } else if (c == ':' && i + 1 < body.size() && identifier_char(body[i + 1]) &&
                 !std::isdigit(static_cast<unsigned char>(body[i + 1]))) {
        std::size_t end = i + 1;
        while (end < body.size() && identifier_char(body[end])) ++end;
        std::string name = body.substr(i + 1, end - i - 1);
        auto value = q.params.find(name);
        if (value == q.params.end()) {
          fail(base + i, fmt::format("the query {} uses :{} but gives it no value: add "
                                     "'-- param: {}=<SQL literal>' under its name line",
                                     q.name, name, name));
        }
        out += value->second;
        used.insert(name);
        i = end;
      } else {
        out += c;
        ++i;
      }
    }
    for (const auto& [name, value] : q.params) {
      if (!used.count(name)) {
        fail(param_lines_.at(name),
             fmt::format("the parameter {} is not used by query {} (write :{} in the query)", name,
                         q.name, name));
      }
    }
    return out;
  }

  const SourceFile& file_;
  std::vector<CriticalQuery> queries_;
  std::set<std::string> names_;
  std::optional<CriticalQuery> current_;
  std::map<std::string, std::size_t> param_lines_;
  std::string body_;
  std::size_t body_start_ = 0;
  std::size_t name_offset_ = 0;
};

}  // namespace

std::vector<CriticalQuery> parse_critical_queries(const SourceFile& file) {
  return QueryFileParser(file).parse();
}

std::vector<CriticalQuery> read_critical_queries(const Config& config) {
  if (config.plans.queries.empty()) return {};
  std::filesystem::path path = config.root / config.plans.queries;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(
        fmt::format("cannot read the critical queries file {} ([plans] queries)", path.string()));
  }
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return parse_critical_queries(SourceFile(config.plans.queries, std::move(text)));
}

}  // namespace mgate
