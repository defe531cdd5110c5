#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>

namespace mgate::pg {

// An inotify watch on one directory, owned: the descriptor (and with it the watch) is closed when
// the object goes, on every exit path. Where inotify is unavailable it watches nothing, and
// wait() only sleeps.
class DirectoryWatch {
 public:
  // `events`: the inotify event mask, e.g. IN_CLOSE_WRITE | IN_MODIFY | IN_CREATE.
  DirectoryWatch(const std::filesystem::path& dir, std::uint32_t events);
  ~DirectoryWatch();
  DirectoryWatch(const DirectoryWatch&) = delete;
  DirectoryWatch& operator=(const DirectoryWatch&) = delete;

  // Waits until one of the events happens in the directory or `timeout` passes, and consumes the
  // events that arrived.
  void wait(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

}  // namespace mgate::pg
