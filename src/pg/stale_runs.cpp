#include "pg/stale_runs.hpp"

#include <sys/stat.h>

#include "pg/process.hpp"
#include "pg/process_reaping.hpp"
#include "pg/shared_memory.hpp"

namespace mgate::pg {

namespace fs = std::filesystem;

void remove_stale_runs(const fs::path& runtime_dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(runtime_dir, ec)) {
    if (!made_by_a_dead_process(entry.path().filename().string(), kRunPrefix)) continue;
    struct stat run;
    if (stat(entry.path().c_str(), &run) != 0) continue;
    kill_processes_inside(entry.path(), run.st_uid);  // given to the server's user
    remove_orphaned_shared_memory(entry.path() / "data", run.st_uid);
    std::error_code rm;
    fs::remove_all(entry.path(), rm);
  }
}

}  // namespace mgate::pg
