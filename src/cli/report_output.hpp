#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "core/report.hpp"

namespace mgate {

enum class ColorMode { automatic, always, never };

// --format and --output: what to write where.
struct OutputRequest {
  std::string stdout_format = "text";  // empty: nothing on stdout
  std::vector<std::string> files;      // FORMAT=FILE
  ColorMode color = ColorMode::automatic;
};

// Declares --format and --output on a command; their help lists every registered writer.
void add_output_options(CLI::App& command, OutputRequest& request);

// Checks formats and FILE paths before any work is done; throws InputError.
void validate_outputs(const OutputRequest& request);

// Writes the report to stdout and to every FILE; a FILE is written whole or not at all.
void write_outputs(const Report& report, const OutputRequest& request);

}  // namespace mgate
