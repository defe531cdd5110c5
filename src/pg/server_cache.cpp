// The cache directory's entries, each published atomically: staged under a unique name beside
// its place, then renamed into it.
#include "pg/server_cache.hpp"

#include <sys/stat.h>

#include <fmt/core.h>

#include <cstdio>
#include <fstream>
#include <functional>

#include "pg/random_hex.hpp"

namespace mgate::pg {
namespace {

namespace fs = std::filesystem;

// A name beside `target` that no other run uses.
fs::path staging_path(const fs::path& target) {
  return target.string() + ".tmp-" + random_hex(12);
}

fs::path version_file(const fs::path& cache, const fs::path& postgres) {
  return cache / "versions" / fmt::format("{:016x}", std::hash<std::string>{}(postgres.string()));
}

}  // namespace

std::string binary_identity(const fs::path& program) {
  struct stat st;
  if (stat(program.c_str(), &st) != 0) return "";
  return fmt::format("{} {} {}.{:09}", program.string(), st.st_size, st.st_mtim.tv_sec,
                     st.st_mtim.tv_nsec);
}

std::optional<std::string> remembered_version(const fs::path& cache, const fs::path& postgres,
                                              const std::string& identity) {
  if (identity.empty()) return std::nullopt;
  std::ifstream in(version_file(cache, postgres));
  std::string stored_identity, version;
  if (std::getline(in, stored_identity) && std::getline(in, version) &&
      stored_identity == identity && !version.empty())
    return version;
  return std::nullopt;
}

void remember_version(const fs::path& cache, const fs::path& postgres, const std::string& identity,
                      const std::string& version) {
  std::error_code ec;
  fs::create_directories(cache / "versions", ec);
  fs::path file = version_file(cache, postgres);
  fs::path staging = staging_path(file);
  {
    std::ofstream out(staging);
    out << identity << "\n" << version << "\n";
    if (!out) return;
  }
  if (rename(staging.c_str(), file.c_str()) != 0) fs::remove(staging, ec);
}

fs::path template_dir(const fs::path& cache, const ServerBinaries& binaries) {
  return cache / "templates" /
         fmt::format("pg{}-{:08x}", binaries.version,
                     std::hash<std::string>{}(binaries.dir.string()) & 0xffffffffu);
}

void publish_template(const fs::path& fresh, const fs::path& target) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  fs::path staging = staging_path(target);
  fs::copy(fresh, staging, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec || rename(staging.c_str(), target.c_str()) != 0) fs::remove_all(staging, ec);
}

}  // namespace mgate::pg
