#pragma once
// What an `mgate check` run leaves on the machine, and waiting for a run to reach a point.
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace mgate::testing {

// The local provider's run directories (mgate-run-*) under `runtime`.
std::vector<std::filesystem::path> run_dirs(const std::filesystem::path& runtime);

// Processes (not zombies) that work in `dir` (a server and its backends) or name it on their
// command line, as "pid command line".
std::vector<std::string> processes_using(const std::filesystem::path& dir);

// The shared memory that processes working in `dir` have mapped: PostgreSQL's POSIX segments
// (/dev/shm/PostgreSQL.*) and System V segment ids.
struct MappedSharedMemory {
  std::set<std::string> posix;
  std::set<int> sysv;
};
MappedSharedMemory shared_memory_used_in(const std::filesystem::path& dir);
// Those of `shm` that still exist.
MappedSharedMemory still_existing(const MappedSharedMemory& shm);

// The rows of `sql` on the server `conninfo` names (values as text); empty when it cannot
// connect or the query fails.
std::vector<std::vector<std::string>> rows_at(const std::string& conninfo, const std::string& sql);

// Calls `ready` until it returns true, for at most a minute; returns whether it did. A bound on a
// wait for a state, not a guess at how long something takes.
bool eventually(const std::function<bool()>& ready);

}  // namespace mgate::testing
