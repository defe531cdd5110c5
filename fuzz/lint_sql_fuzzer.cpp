// libFuzzer target: one SQL text through the parser and every lint rule, as `mgate lint FILE`
// does for a migration, with no file system: the libpg_query wrapper (statement spans,
// suppression comments, the piecewise parse after an error), the rule engine and its schema
// model, and line:column mapping.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "gates/pipeline.hpp"
#include "sql/parsed_set.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mgate;
  std::string text(reinterpret_cast<const char*>(data), size);

  MigrationSet set;
  set.layout = "plain";
  set.dir = "db";
  Migration migration;
  migration.version = {"001"};
  migration.name = "fuzz";
  migration.up = Script{"db/001_fuzz.sql"};
  migration.files = {"db/001_fuzz.sql"};
  // Half the inputs as a migration that its layout runs outside a transaction.
  migration.transactional = size % 2 == 0;
  set.migrations.push_back(migration);

  sql::ParsedSet parsed(set, [&](const std::string&) { return text; });
  Config config;
  PipelineOptions options;
  options.gates = {"lint"};
  // The rules that depend on the server version see several.
  options.pg_version = 10 + static_cast<int>(size % 8);
  run_pipeline(config, set, parsed, options);
  return 0;
}
