#include <libpq-fe.h>

#include <fmt/core.h>

#include <optional>
#include <set>

#include "core/config.hpp"
#include "pg/provider.hpp"

namespace mgate::pg {
namespace {

std::string quoted(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// As libpq decodes a URL's parts: %XX only, and never a NUL (libpq refuses %00; a NUL would end
// the value early in the connection string).
std::string percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int high = i + 2 < text.size() ? hex_digit(text[i + 1]) : -1;
    int low = high >= 0 ? hex_digit(text[i + 2]) : -1;
    if (low < 0) {
      throw InputError(fmt::format("--database-url: '{}' is not valid percent-encoding (%XX)",
                                   text.substr(i, 3)));
    }
    char c = static_cast<char>(high * 16 + low);
    if (c == '\0') throw InputError("--database-url: %00 (a NUL byte) is not allowed");
    out += c;
    i += 2;
  }
  return out;
}

// Query parameters that would take the connections somewhere other than where mgate sends them,
// and why: mgate runs the migrations only in scratch databases it creates, as a role it creates.
std::optional<std::string_view> why_refused(const std::string& keyword) {
  if (keyword == "dbname")
    return "it would replace the scratch databases mgate creates (the URL's path names the "
           "database mgate connects to only to create and drop them)";
  if (keyword == "user")
    return "it would replace the role mgate runs the migrations as (give the user before the "
           "'@')";
  if (keyword == "options")
    return "it would set server options (-c role=..., -c search_path=...) on every connection, "
           "the migrations' own included";
  if (keyword == "service")
    return "a service file may set the database, the user or server options";
  if (keyword == "replication") return "it would open replication connections";
  return std::nullopt;
}

// The keywords this libpq accepts in a connection string.
const std::set<std::string>& libpq_keywords() {
  static const std::set<std::string> keywords = [] {
    std::set<std::string> out;
    if (PQconninfoOption* options = PQconndefaults()) {
      for (PQconninfoOption* o = options; o->keyword; ++o) out.insert(o->keyword);
      PQconninfoFree(options);
    }
    return out;
  }();
  return keywords;
}

// One `keyword=value` of the URL's query string, as libpq reads it.
void add_parameter(Endpoint& e, std::string_view pair) {
  auto eq = pair.find('=');
  if (eq == std::string_view::npos) {
    throw InputError(fmt::format("--database-url: the query parameter '{}' has no '=value'",
                                 percent_decoded(pair)));
  }
  std::string keyword = percent_decoded(pair.substr(0, eq));
  std::string value = percent_decoded(pair.substr(eq + 1));
  if (auto why = why_refused(keyword)) {
    throw InputError(fmt::format("--database-url must not set '{}': {}", keyword, *why));
  }
  if (keyword == "ssl" && value == "true") {
    // The JDBC spelling libpq also accepts.
    keyword = "sslmode";
    value = "require";
  }
  if (!libpq_keywords().count(keyword)) {
    throw InputError(
        fmt::format("--database-url: '{}' is not a connection parameter libpq knows (e.g. sslmode, "
                    "connect_timeout, host, port)",
                    keyword));
  }
  if (keyword == "host") {
    e.host = value;
  } else if (keyword == "port") {
    e.port = std::atoi(value.c_str());
  } else if (keyword == "password") {
    e.password = value;  // kept out of the options: they reach pg_dump's command line
  } else {
    e.options[keyword] = value;
  }
}

}  // namespace

std::string Endpoint::conninfo(const std::string& other_database) const {
  // libpq keeps the last value of a keyword: the target comes after everything else.
  std::string out;
  for (const auto& [key, value] : options) out += fmt::format("{}={} ", key, quoted(value));
  out += fmt::format("host={} port={} user={} dbname={}", quoted(host), port, quoted(user),
                     quoted(other_database.empty() ? database : other_database));
  if (!password.empty()) out += " password=" + quoted(password);
  return out;
}

std::string Endpoint::redacted() const {
  std::string where = host.starts_with("/") ? host : fmt::format("{}:{}", host, port);
  return fmt::format("{}@{}/{}", user, where, database);
}

Endpoint parse_database_url(const std::string& url) {
  std::string_view rest = url;
  bool known_scheme = false;
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (rest.starts_with(scheme)) {
      rest.remove_prefix(scheme.size());
      known_scheme = true;
      break;
    }
  }
  if (!known_scheme) {
    throw InputError("--database-url must be a postgres:// or postgresql:// URL");
  }
  Endpoint e;
  e.host = "localhost";
  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.size() < rest.size())
    e.database = percent_decoded(rest.substr(authority.size() + 1));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    auto colon = userinfo.find(':');
    e.user = percent_decoded(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) e.password = percent_decoded(userinfo.substr(colon + 1));
  }
  std::string_view host = authority;
  if (host.starts_with("[")) {
    auto close = host.find(']');
    e.host = std::string(host.substr(1, close - 1));
    host.remove_prefix(std::min(host.size(), close + 1));
    if (host.starts_with(":")) host.remove_prefix(1);
    if (!host.empty()) e.port = std::atoi(std::string(host).c_str());
  } else {
    auto colon = host.rfind(':');
    if (colon != std::string_view::npos) {
      e.port = std::atoi(std::string(host.substr(colon + 1)).c_str());
      host = host.substr(0, colon);
    }
    if (!host.empty()) e.host = percent_decoded(host);
  }
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    if (!pair.empty()) add_parameter(e, pair);
  }
  if (e.port <= 0 || e.port > 65535) throw InputError("--database-url has an invalid port");
  if (e.user.empty()) {
    const char* user = std::getenv("USER");
    e.user = user ? user : "postgres";
  }
  if (e.database.empty()) e.database = e.user;
  return e;
}

}  // namespace mgate::pg
