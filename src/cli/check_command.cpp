#include <fmt/core.h>

#include <algorithm>
#include <thread>

#include "cli/commands.hpp"
#include "cli/targets.hpp"
#include "gates/gate.hpp"
#include "pg/ephemeral_server.hpp"
#include "pg/provider.hpp"

namespace mgate {
namespace {

bool wants_dynamic_gates(const LintCommand& c, const Config& config) {
  const auto& names = c.gates.empty() ? config.gates.run : c.gates;
  return std::any_of(all_gates().begin(), all_gates().end(), [&](const auto& gate) {
    bool named =
        names.empty() || std::find(names.begin(), names.end(), gate->name()) != names.end();
    return named && gate->dynamic();
  });
}

std::unique_ptr<pg::Provider> make_provider(const CheckCommand& c, const Config& config,
                                            int pg_version) {
  std::string url = c.database_url.empty() ? config.postgres.url : c.database_url;
  std::string provider = c.provider;
  if (provider.empty()) provider = c.database_url.empty() ? config.postgres.provider : "external";
  if (provider == "external") {
    if (url.empty()) {
      throw InputError("the external provider needs --database-url (or [postgres] url)");
    }
    return pg::make_external_provider(url);
  }
  if (!c.database_url.empty()) {
    throw InputError(fmt::format("--database-url is for --provider external, not {}", provider));
  }
  if (provider == "docker") {
    pg::DockerOptions options;
    options.image = config.postgres.image;
    options.max_disk = config.postgres.max_disk;
    return pg::make_docker_provider(options);
  }
  pg::LocalOptions options;
  options.version = pg_version;
  options.bin_dir = c.pg_bin.empty() ? config.postgres.bin_dir : c.pg_bin;
  if (!options.bin_dir.empty() && options.bin_dir.is_relative() && c.pg_bin.empty()) {
    options.bin_dir = config.root / options.bin_dir;
  }
  options.run_as = config.postgres.run_as;
  options.max_disk = config.postgres.max_disk;
  return pg::make_local_provider(options);
}

}  // namespace

CLI::App* add_check_command(CLI::App& app, CheckCommand& c) {
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Run the static gates and the dynamic ones (forward, rollback) on a throwaway PostgreSQL "
      "that mgate starts and always removes");
  add_gate_options(cmd, c.gates);
  add_server_options(cmd, c);
  return cmd;
}

void add_server_options(CLI::App* cmd, CheckCommand& c) {
  cmd->add_option("--provider", c.provider,
                  "Where the server comes from: local (default: installed binaries, no Docker), "
                  "docker, external (--database-url)")
      ->check(CLI::IsMember({"local", "docker", "external"}));
  cmd->add_option("--database-url", c.database_url,
                  "postgres://USER:PASSWORD@HOST:PORT/DB of an existing server (external "
                  "provider): mgate works only in scratch databases it creates and drops, as a "
                  "role it creates; its query may not set dbname, user, options or service");
  cmd->add_option("--pg-bin", c.pg_bin,
                  "Directory of the server binaries (initdb, postgres) for the local provider "
                  "(default: [postgres] bin_dir, pg_config --bindir, /usr/lib/postgresql/*/bin)");
  cmd->add_option("--jobs", c.jobs,
                  fmt::format("Sessions the rollback gate checks migrations on at once, each on "
                              "its own copy of the database (default: the hardware threads, {})",
                              default_jobs()))
      ->check(CLI::Range(1, 256));
}

int default_jobs() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

std::unique_ptr<pg::EphemeralServer> start_server(const CheckCommand& c, const Config& config) {
  int pg_version = c.gates.pg_version ? c.gates.pg_version : config.postgres.version;
  pg::ServerSettings settings;
  settings.superuser = config.postgres.superuser;
  settings.extensions = config.postgres.extensions;
  settings.statement_timeout = config.postgres.statement_timeout;
  return std::make_unique<pg::EphemeralServer>(make_provider(c, config, pg_version),
                                               std::move(settings));
}

int run_check(const CheckCommand& c) {
  OutputRequest output = output_request(c.gates.output, c.gates.color);
  Config config = resolve_config(c.gates.config);
  std::unique_ptr<pg::EphemeralServer> server;
  if (wants_dynamic_gates(c.gates, config)) server = start_server(c, config);
  Report report = run_gates(c.gates, config, server.get(), c.jobs);
  if (server) report.postgres = PostgresInfo{std::string(server->provider()), server->version()};
  return write_report(std::move(output), report, c.gates.quiet);
}

}  // namespace mgate
