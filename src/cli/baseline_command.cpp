// `mgate baseline`: runs the plans gate as `mgate check` would and records what it measured
// after the gated migrations into the committed baseline file ([plans] baseline).
#include <fmt/core.h>

#include <chrono>
#include <ctime>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/targets.hpp"
#include "core/layout.hpp"
#include "gates/plans_baseline.hpp"
#include "pg/ephemeral_server.hpp"
#include "vcs/git.hpp"

namespace mgate {
namespace {

std::string head_commit(const Config& config) {
  try {
    return git::Repository(config.root).resolve_commit("HEAD");
  } catch (const InputError&) {
    return "";  // not a git work tree (or no commit yet): the baseline says so by leaving it out
  } catch (const EnvironmentError&) {
    return "";
  }
}

std::string now_utc() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

}  // namespace

CLI::App* add_baseline_command(CLI::App& app, CheckCommand& c) {
  CLI::App* cmd = app.add_subcommand(
      "baseline",
      "Record the critical queries' plans, buffers and timings after the migrations into the "
      "baseline file ([plans] baseline) that mgate check compares with");
  LintCommand& g = c.gates;
  cmd->add_option("PATH", g.paths,
                  "Migrations directory, or migration files (default: [migrations] dir)");
  cmd->add_option("--config", g.config,
                  "mgate.toml to use (default: the nearest one above the working directory)");
  cmd->add_option("--layout", g.layout, fmt::format("Migration layout: auto, {}", layout_list()));
  cmd->add_option("--since", g.since,
                  "Git ref of the base: migrations before it are applied first, without being "
                  "measured against");
  cmd->add_option(
         "--pg-version", g.pg_version,
         "PostgreSQL major version the migrations target (default: [postgres] version, 15)")
      ->check(CLI::Range(9, 99));
  add_output_options(*cmd, g.output);
  add_server_options(cmd, c);
  return cmd;
}

int run_baseline(const CheckCommand& command) {
  CheckCommand c = command;
  c.gates.gates = {"plans"};
  OutputRequest output = output_request(c.gates.output, c.gates.color);
  Config config = resolve_config(c.gates.config);
  if (config.plans.queries.empty()) {
    throw InputError(
        "nothing to record: set [plans] queries in mgate.toml to the file of critical queries "
        "(docs/gates/plans.md)");
  }
  std::unique_ptr<pg::EphemeralServer> server = start_server(c, config);
  Report report = run_gates(c.gates, config, server.get(), c.jobs);
  report.postgres = PostgresInfo{std::string(server->provider()), server->version()};
  const GateResult* plans = nullptr;
  for (const GateResult& g : report.gates) {
    if (g.gate == "plans") plans = &g;
  }
  int code = write_report(std::move(output), report, c.gates.quiet);
  if (!plans || plans->status == GateStatus::skip || !plans->metrics.contains("queries")) {
    throw InputError(fmt::format("nothing recorded: the plans gate did not run ({})",
                                 plans ? plans->skip_reason : "no migrations"));
  }
  std::filesystem::path file = config.root / config.plans.baseline;
  std::optional<Baseline> previous = read_baseline(file);
  BaselineRecord record{head_commit(config), server->version(), now_utc()};
  Baseline baseline = updated_baseline(previous, plans->metrics, record, config.plans.history);
  write_baseline(file, baseline);
  std::cerr << fmt::format(
      "mgate: recorded {} critical queries into {} (commit {}, PostgreSQL {}, {}; {} of at most "
      "{} recordings kept)\n",
      baseline.queries.size(), config.plans.baseline,
      record.commit.empty() ? "none" : record.commit.substr(0, 12), record.postgres_version,
      baseline.machine_class, baseline.history.size(), config.plans.history);
  return code;
}

}  // namespace mgate
