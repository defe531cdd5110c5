#include "pg/directory_watch.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

namespace mgate::pg {

DirectoryWatch::DirectoryWatch(const std::filesystem::path& dir, std::uint32_t events)
    : fd_(inotify_init1(IN_CLOEXEC | IN_NONBLOCK)) {
  if (fd_ >= 0) inotify_add_watch(fd_, dir.c_str(), events);
}

DirectoryWatch::~DirectoryWatch() {
  if (fd_ >= 0) close(fd_);
}

void DirectoryWatch::wait(std::chrono::milliseconds timeout) {
  pollfd p{fd_, POLLIN, 0};
  poll(&p, fd_ >= 0 ? 1 : 0, static_cast<int>(timeout.count()));
  char buffer[4096];
  while (fd_ >= 0 && read(fd_, buffer, sizeof buffer) > 0) {
  }
}

}  // namespace mgate::pg
