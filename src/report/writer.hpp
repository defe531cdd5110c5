#pragma once
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/report.hpp"

namespace mgate {

struct WriterOptions {
  bool color = false;  // ANSI colours: only when writing to a terminal
};

// Formats a Report; writers never decide anything, they only present.
class Writer {
 public:
  virtual ~Writer() = default;
  virtual std::string_view format() const = 0;  // the --format name
  virtual void write(const Report& report, std::ostream& out,
                     const WriterOptions& options) const = 0;
};

// Every writer (src/report/registry.cpp).
const std::vector<std::unique_ptr<Writer>>& all_writers();
const Writer* find_writer(std::string_view format);

}  // namespace mgate
