#pragma once
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pg/provider.hpp"

namespace mgate::pg {

// pg_dump and pg_restore able to dump a server of a given major version.
struct DumpTools {
  std::filesystem::path pg_dump;
  std::filesystem::path pg_restore;
  int major = 0;  // their version
};

// The tools for a server of major version `server_major`: in `bin_dir` (postgres.bin_dir) when
// given, next to the server binaries (/usr/lib/postgresql/<major>/bin), or on PATH when their
// major version is at least the server's (an older pg_dump refuses a newer server). nullopt, with
// `why` set, when there are none.
std::optional<DumpTools> find_dump_tools(const std::filesystem::path& bin_dir, int server_major,
                                         std::string& why);

// What a dump of one database restored into another gave.
struct RestoreOutcome {
  bool dumped = false;
  std::vector<std::string> errors;  // pg_restore's error lines (it goes on after each)
  std::string dump_output;          // pg_dump's messages when it failed
};

// pg_dump (custom format) of `source`, then pg_restore of that dump into `target`, an empty
// database, without owners and grants, each killed after `budget` (DeadlineExceeded); the dump
// file lives in a private temporary directory removed before returning.
RestoreOutcome dump_and_restore(const DumpTools& tools, const Endpoint& source,
                                const Endpoint& target, std::chrono::milliseconds budget);

}  // namespace mgate::pg
