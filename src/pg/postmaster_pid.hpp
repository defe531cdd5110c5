#pragma once
#include <chrono>
#include <filesystem>
#include <string>

#include "pg/process.hpp"

namespace mgate::pg {

// A data directory's postmaster.pid, which a running server keeps up to date: what it says, and
// waiting for it to say the server is ready.

// Line `number` (from 1) of the file; empty when there is none.
std::string postmaster_pid_line(const std::filesystem::path& data_dir, int number);

enum class ServerStart { ready, exited, timed_out };

// Waits until the server started on `data_dir` reports itself ready, exits, or `limit` passes.
// Watches the data directory for postmaster.pid changes instead of sleeping.
ServerStart wait_until_ready(const std::filesystem::path& data_dir, ChildProcess& server,
                             std::chrono::seconds limit);

}  // namespace mgate::pg
