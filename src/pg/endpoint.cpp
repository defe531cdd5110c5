#include <fmt/core.h>

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

std::string percent_decoded(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      auto hex = std::string(text.substr(i + 1, 2));
      try {
        out += static_cast<char>(std::stoi(hex, nullptr, 16));
        i += 2;
        continue;
      } catch (const std::exception&) {
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace

std::string Endpoint::conninfo(const std::string& other_database) const {
  std::string out =
      fmt::format("host={} port={} user={} dbname={}", quoted(host), port, quoted(user),
                  quoted(other_database.empty() ? database : other_database));
  if (!password.empty()) out += " password=" + quoted(password);
  for (const auto& [key, value] : options) out += fmt::format(" {}={}", key, quoted(value));
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
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    std::string_view query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    while (!query.empty()) {
      std::string_view pair = query.substr(0, query.find('&'));
      query.remove_prefix(std::min(query.size(), pair.size() + 1));
      auto eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      e.options[percent_decoded(pair.substr(0, eq))] = percent_decoded(pair.substr(eq + 1));
    }
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
  if (e.options.count("host")) e.host = e.options.extract("host").mapped();
  if (e.options.count("port")) e.port = std::atoi(e.options.extract("port").mapped().c_str());
  if (e.port <= 0 || e.port > 65535) throw InputError("--database-url has an invalid port");
  if (e.user.empty()) {
    const char* user = std::getenv("USER");
    e.user = user ? user : "postgres";
  }
  if (e.database.empty()) e.database = e.user;
  return e;
}

}  // namespace mgate::pg
