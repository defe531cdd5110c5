#pragma once
#include <cstddef>
#include <filesystem>
#include <limits>
#include <string>
#include <system_error>

namespace mgate {

// The start of a file, read with one open and as few reads as its size needs: an ifstream read
// through istreambuf_iterator cost a lint run of 800 migrations several milliseconds.
struct FileHead {
  std::string bytes;   // at most the limit asked for
  bool whole = false;  // the file ends there
};

// At most `limit` bytes from the start of `file`. Sets `error` (and returns nothing) when the file
// cannot be opened or read; a directory cannot be read.
FileHead read_file_head(const std::filesystem::path& file, std::size_t limit,
                        std::error_code& error);

// All the bytes of `file`; sets `error` as read_file_head does.
inline std::string read_file_bytes(const std::filesystem::path& file, std::error_code& error) {
  return read_file_head(file, std::numeric_limits<std::size_t>::max(), error).bytes;
}

}  // namespace mgate
