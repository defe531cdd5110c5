#include "cli/run_fingerprint.hpp"

#include <fstream>
#include <iterator>

#include "core/version.hpp"

namespace mgate {
namespace {

// A file's name and bytes, or a mark that it is absent; `name` is how the configuration names it,
// the same on every machine.
void add_file(Digest& digest, const std::filesystem::path& path, const std::string& name) {
  digest.add(name);
  if (name.empty()) return;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    digest.add(-1LL);
    return;
  }
  digest.add(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()));
}

void add_script(Digest& digest, const std::optional<Script>& script, const sql::ParsedSet& parsed) {
  if (!script) {
    digest.add(-1LL);
    return;
  }
  digest.add(script->file)
      .add(static_cast<long long>(script->section.begin))
      .add(static_cast<long long>(script->section.end))
      .add(parsed.file(script->file).text());
}

}  // namespace

RunFingerprint::RunFingerprint(const Config& config, const LintCommand& c) {
  digest_.add("mgate-run/1").add(version());
  add_file(digest_, config.file, config.file.filename().string());
  for (const std::string& file : config.fixtures.seed) add_file(digest_, config.root / file, file);
  for (const std::string* file : {&config.plans.queries, &config.traffic.queries,
                                  &config.plans.baseline, &config.fixtures.production_stats}) {
    add_file(digest_, config.root / *file, *file);
  }
  digest_.add(static_cast<long long>(c.gates.size()));
  for (const std::string& gate : c.gates) digest_.add(gate);
  digest_.add(c.layout).add(c.fail_on).add(c.since).add(static_cast<long long>(c.staged));
  digest_.add(static_cast<long long>(c.pg_version)).add(c.stdin_filename);
}

void RunFingerprint::add(const MigrationSet& set, const sql::ParsedSet& parsed) {
  digest_.add(set.dir).add(set.layout).add(static_cast<long long>(set.migrations.size()));
  for (const Migration& m : set.migrations) {
    digest_.add(m.id()).add(m.name).add(static_cast<long long>(m.gated));
    digest_.add(m.cannot_run).add(static_cast<long long>(m.repeatable));
    add_script(digest_, m.up, parsed);
    add_script(digest_, m.down, parsed);
    add_script(digest_, m.verify, parsed);
  }
  digest_.add(set.checksum_file).add(static_cast<long long>(set.strays.size()));
  for (const StrayFile& stray : set.strays) digest_.add(stray.file).add(stray.reason);
}

void RunFingerprint::add(const std::vector<LooseSql>& loose) {
  digest_.add(static_cast<long long>(loose.size()));
  for (const LooseSql& sql : loose) digest_.add(sql.file).add(sql.text);
}

}  // namespace mgate
