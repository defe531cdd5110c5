#include <libpq-fe.h>

#include <fmt/core.h>

#include "core/config.hpp"
#include "pg/provider.hpp"

namespace mgate::pg {
namespace {

// An existing server: mgate only checks that it answers; EphemeralServer creates (and drops)
// the scratch databases.
class ExternalProvider : public Provider {
 public:
  explicit ExternalProvider(std::string url) : url_(std::move(url)) {}
  std::string_view name() const override { return "external"; }
  bool shared() const override { return true; }

  Endpoint start() override {
    Endpoint e = parse_database_url(url_);
    std::string conninfo = e.conninfo() + " connect_timeout=10";
    PGPing ping = PQping(conninfo.c_str());
    if (ping == PQPING_NO_RESPONSE || ping == PQPING_NO_ATTEMPT) {
      throw EnvironmentError(fmt::format("cannot reach the PostgreSQL server {}", e.redacted()));
    }
    return e;
  }
  void stop() override {}

 private:
  std::string url_;
};

}  // namespace

std::unique_ptr<Provider> make_external_provider(const std::string& database_url) {
  return std::make_unique<ExternalProvider>(database_url);
}

}  // namespace mgate::pg
