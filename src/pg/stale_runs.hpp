#pragma once
#include <filesystem>
#include <string_view>

namespace mgate::pg {

// The local provider's run directories are named <kRunPrefix><pid>-XXXXXX, after the mgate
// process that made them.
inline constexpr std::string_view kRunPrefix = "mgate-run-";

// Removes the run directories in `runtime_dir` of mgate processes that died without cleaning up
// (SIGKILL, power loss): the processes still working in them, their shared memory, their files.
void remove_stale_runs(const std::filesystem::path& runtime_dir);

}  // namespace mgate::pg
