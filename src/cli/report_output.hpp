#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/migration.hpp"
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

// Throws InputError when a FILE is a file this run reads: a migration or any other file of
// `set`, the config, or a file the config names. A report never replaces what it judges.
void refuse_overwriting_inputs(const OutputRequest& request, const Config& config,
                               const MigrationSet& set);

// Writes the report to every FILE and to stdout. A FILE that is a regular file (or is new) is
// written beside itself and renamed into place: whole or not at all. A write that fails is an
// EnvironmentError naming where, after every other output has been tried.
void write_outputs(const Report& report, const OutputRequest& request);

// Writes `bytes` to `file` whole or not at all: a regular (or new) file is written beside itself
// and renamed into place, keeping its permissions; a device or a pipe is written in place.
// Returns errno, or 0.
int write_file(const std::filesystem::path& file, std::string_view bytes);

}  // namespace mgate
