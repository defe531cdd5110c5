#pragma once
#include <exception>
#include <optional>
#include <string>

namespace mgate::pg {

// What `error` means when libpqxx threw it: a lost connection (the server died or was stopped) or
// a statement of mgate's own that the server refused; nullopt when it is not libpqxx's. Escaping
// a gate, it is the environment's failure (exit 3), never an internal error.
std::optional<std::string> postgres_failure(const std::exception& error);

}  // namespace mgate::pg
