#include "core/file_bytes.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/heap.hpp"

namespace mgate {
namespace {

constexpr std::size_t kLargeFile = 256 * 1024;

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

FileHead read_file_head(const std::filesystem::path& file, std::size_t limit,
                        std::error_code& error) {
  error.clear();
  FileHead head;
  Descriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat info {};
  if (fd.get() < 0 || ::fstat(fd.get(), &info) != 0) {
    error.assign(errno, std::generic_category());
    return head;
  }
  if (S_ISDIR(info.st_mode)) {
    error = std::make_error_code(std::errc::is_a_directory);
    return head;
  }
  // A regular file says its size: read that much at once. Anything else (a pipe, a file of /proc,
  // whose size says 0) is read until it ends.
  const bool sized = S_ISREG(info.st_mode) && info.st_size > 0;
  const std::size_t size = sized ? static_cast<std::size_t>(info.st_size) : 0;
  // A large file's bytes, and its parse after them, are the run's first megabytes: the heap
  // hears of it before they are allocated (core/heap.hpp).
  if (size >= kLargeFile && limit >= kLargeFile) expect_a_large_run();
  std::string& bytes = head.bytes;
  bytes.resize(std::min(limit, sized ? size : std::size_t{4096}));
  std::size_t got = 0;
  while (true) {
    if (got == bytes.size()) {
      // The size read so far is all a regular file had when it was opened, or the limit.
      if (got == limit || (sized && got == size)) break;
      bytes.resize(std::min(limit, std::max(got * 2, std::size_t{4096})));
    }
    ssize_t n = ::read(fd.get(), bytes.data() + got, bytes.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error.assign(errno, std::generic_category());
      bytes.clear();
      return head;
    }
    if (n == 0) {
      head.whole = true;
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  bytes.resize(got);
  // A regular file read up to the size it had when opened is read whole.
  if (sized && got == size) head.whole = true;
  return head;
}

}  // namespace mgate
