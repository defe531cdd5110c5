#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "pg/server_binaries.hpp"

namespace mgate::pg {

// What one run of the local provider keeps in its cache directory for the next: the version of
// each server binary, and one initdb'd data directory (a template) per server. Entries are
// written under a staging name and renamed into place, so concurrent runs never read half of
// one, and a failed write only means the next run does the work again.

// What identifies `program` in the cache: its path, size and modification time. Empty when it
// cannot be read (nothing is then remembered).
std::string binary_identity(const std::filesystem::path& program);

// What `postgres --version` said, kept per binary: running it costs 15-20 ms, a good part of a
// warm start. nullopt when the cache has nothing for this `identity` of `postgres`.
std::optional<std::string> remembered_version(const std::filesystem::path& cache,
                                              const std::filesystem::path& postgres,
                                              const std::string& identity);
void remember_version(const std::filesystem::path& cache, const std::filesystem::path& postgres,
                      const std::string& identity, const std::string& version);

// Where the template of `binaries` is kept in `cache`; it is there once it holds PG_VERSION.
std::filesystem::path template_dir(const std::filesystem::path& cache,
                                   const ServerBinaries& binaries);

// Copies the fresh data directory `fresh` to `target` (a template_dir). Concurrent first runs
// each initdb, and one rename wins.
void publish_template(const std::filesystem::path& fresh, const std::filesystem::path& target);

}  // namespace mgate::pg
