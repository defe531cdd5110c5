#pragma once
#include <filesystem>
#include <string>

#include "pg/provider.hpp"

namespace mgate::pg {

// The installed PostgreSQL server programs the local provider runs (postgres, initdb), and which
// version they are.
struct ServerBinaries {
  std::filesystem::path dir;
  std::string version;  // e.g. 15.18
  int major = 0;
};

// The binaries of options.bin_dir, or else the first of pg_config --bindir, postgres on PATH and
// /usr/lib/postgresql/*/bin (newest first) whose major version is options.version, or else the
// first that works. Versions are remembered in `cache` (server_cache.hpp). Throws InputError when
// options.bin_dir holds no server, EnvironmentError when none is installed.
ServerBinaries find_server_binaries(const LocalOptions& options,
                                    const std::filesystem::path& cache);

}  // namespace mgate::pg
