#include "integration/postgres.hpp"

#include <pqxx/pqxx>

#include "discover/discover.hpp"
#include "gates/pipeline.hpp"
#include "pg/provider.hpp"
#include "sql/parsed_set.hpp"

namespace mgate::testing {

std::unique_ptr<pg::EphemeralServer> PostgresSuite::server_;

void PostgresSuite::SetUpTestSuite() {
  if (!server_) {
    server_ =
        std::make_unique<pg::EphemeralServer>(pg::make_local_provider({}), pg::ServerSettings{});
  }
}

void PostgresSuite::TearDownTestSuite() {
  server_.reset();
}

Config PostgresSuite::default_config() {
  Config config;
  config.root = MGATE_SOURCE_DIR;
  config.postgres.statement_timeout = std::chrono::seconds(30);
  return config;
}

Report PostgresSuite::check(const std::string& folder, const Config& config,
                            pg::EphemeralServer* on) {
  std::string dir = folder.find('/') == std::string::npos ? "fixtures/dynamic/" + folder : folder;
  MigrationSet set = discover(config.root, config.root / dir);
  sql::ParsedSet parsed(set, sql::working_tree_reader(config.root));
  PipelineOptions options;
  options.gates = {"forward", "rollback"};
  options.dynamic = true;
  options.postgres = on ? on : server_.get();
  return run_pipeline(config, set, parsed, options);
}

std::vector<std::vector<std::string>> PostgresSuite::query(const std::string& database,
                                                           const std::string& sql) {
  pqxx::connection c(server_->admin(database).conninfo());
  pqxx::nontransaction tx(c);
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : tx.exec(sql)) {
    std::vector<std::string> values;
    for (const auto& field : row) values.push_back(field.is_null() ? "NULL" : field.c_str());
    rows.push_back(values);
  }
  return rows;
}

std::vector<const Finding*> findings_of(const Report& report, const std::string& rule) {
  std::vector<const Finding*> out;
  for (const Finding* f : report.findings()) {
    if (f->rule == rule) out.push_back(f);
  }
  return out;
}

std::string position_of(const Finding& f) {
  if (!f.location) return "(none)";
  return f.location->file + ":" + std::to_string(f.location->start.line) + ":" +
         std::to_string(f.location->start.column);
}

std::string described(const std::vector<pg::SchemaDifference>& differences) {
  std::string out;
  for (const auto& d : differences) {
    out += d.kind + " " + d.name + ": " + d.before.value_or("(absent)") + " -> " +
           d.after.value_or("(absent)") + "\n";
  }
  return out;
}

}  // namespace mgate::testing
