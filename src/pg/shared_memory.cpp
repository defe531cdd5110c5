#include "pg/shared_memory.hpp"

#include <sys/shm.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/core.h>

#include <fstream>
#include <sstream>
#include <string>

#include "pg/postmaster_pid.hpp"

namespace mgate::pg {

namespace fs = std::filesystem;

void add_mapped_shared_memory(pid_t pid, SharedMemory& out) {
  std::ifstream maps(fmt::format("/proc/{}/maps", pid));
  std::string line;
  while (std::getline(maps, line)) {
    // "7f2c1a5e0000-7f2c1a5e1000 rw-s 00000000 00:01 32769   /SYSV0052e2c1 (deleted)": a System
    // V segment shows its id as the inode and its key in the name.
    std::istringstream fields(line);
    std::string range, perms, offset, device, path;
    unsigned long inode = 0;
    fields >> range >> perms >> offset >> device >> inode >> path;
    if (path.starts_with("/dev/shm/PostgreSQL.")) {
      out.posix.insert(path);
    } else if (path.starts_with("/SYSV") && path.size() == 13) {
      out.sysv.insert(
          {static_cast<int>(inode), static_cast<key_t>(std::stoul(path.substr(5), nullptr, 16))});
    }
  }
}

void remove_shared_memory(const SharedMemory& shm, uid_t owner) {
  for (const fs::path& file : shm.posix) {
    struct stat st;
    if (lstat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == owner) {
      unlink(file.c_str());
    }
  }
  for (auto [id, key] : shm.sysv) {
    struct shmid_ds info;
    if (shmctl(id, IPC_STAT, &info) == 0 && info.shm_nattch == 0 && info.shm_perm.__key == key &&
        info.shm_perm.uid == owner) {
      shmctl(id, IPC_RMID, nullptr);
    }
  }
}

void remove_orphaned_shared_memory(const fs::path& data_dir, uid_t owner) {
  std::istringstream fields(postmaster_pid_line(data_dir, 7));
  unsigned long key = 0;
  long id = -1;
  if (!(fields >> key >> id) || id < 0) return;
  struct shmid_ds info;
  if (shmctl(static_cast<int>(id), IPC_STAT, &info) == 0 && info.shm_nattch == 0 &&
      static_cast<unsigned long>(info.shm_perm.__key) == key && info.shm_perm.uid == owner) {
    shmctl(static_cast<int>(id), IPC_RMID, nullptr);
  }
}

}  // namespace mgate::pg
