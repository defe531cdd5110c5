#pragma once
#include <sys/types.h>

#include <filesystem>

namespace mgate::pg {

// Kills the processes working inside `dir` (a server and its backends, an initdb and the
// backends it runs), found in /proc by their working directory, so that backends which outlived
// a killed postmaster are found too; then removes the shared memory they had mapped, which a
// killed process leaves behind, as far as `owner` (the server's OS user) owns it.
void kill_processes_inside(const std::filesystem::path& dir, uid_t owner);

}  // namespace mgate::pg
