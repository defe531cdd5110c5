#pragma once
#include <sys/types.h>

#include <filesystem>
#include <set>
#include <utility>

namespace mgate::pg {

// Shared memory that a killed server or initdb leaves behind, and its removal. Only what the
// server's OS user owns is removed, and a System V segment only once nothing is attached to it.

// The shared memory processes had mapped: POSIX segments in /dev/shm (an initdb's backends use
// dynamic_shared_memory_type=posix; the server mgate starts does not) and System V segments.
struct SharedMemory {
  std::set<std::filesystem::path> posix;
  std::set<std::pair<int, key_t>> sysv;  // id, key
};

// Adds what process `pid` has mapped (from /proc/<pid>/maps) to `out`.
void add_mapped_shared_memory(pid_t pid, SharedMemory& out);

// Removes what `owner` owns of `shm`.
void remove_shared_memory(const SharedMemory& shm, uid_t owner);

// A server killed with SIGKILL leaves its small System V interlock segment behind (the rest
// of its shared memory is anonymous, or in the data directory: dynamic_shared_memory_type is
// mmap). postmaster.pid's seventh line names it; this removes it if `owner` owns it.
void remove_orphaned_shared_memory(const std::filesystem::path& data_dir, uid_t owner);

}  // namespace mgate::pg
