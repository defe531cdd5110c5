#include "cli/report_output.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/config.hpp"
#include "report/writer.hpp"

namespace mgate {
namespace fs = std::filesystem;

namespace {

std::string format_names() {
  std::string names;
  for (const auto& w : all_writers())
    names += (names.empty() ? "" : ", ") + std::string(w->format());
  return names;
}

const Writer& writer_for(const std::string& format) {
  if (const Writer* writer = find_writer(format)) return *writer;
  throw InputError(fmt::format("unknown format '{}' (known: {})", format, format_names()));
}

std::pair<std::string, fs::path> split_output(const std::string& spec) {
  std::size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    throw InputError(
        fmt::format("--output '{}': write it as FORMAT=FILE, e.g. sarif=mgate.sarif", spec));
  }
  return {spec.substr(0, eq), fs::path(spec.substr(eq + 1))};
}

bool use_color(ColorMode mode) {
  if (mode != ColorMode::automatic) return mode == ColorMode::always;
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR") &&
         !(term && std::string(term) == "dumb");
}

}  // namespace

void add_output_options(CLI::App& command, OutputRequest& request) {
  command
      .add_option("--format", request.stdout_format, "Report format on stdout: " + format_names())
      ->capture_default_str();
  command
      .add_option("--output", request.files,
                  "Also write a report to a file, as FORMAT=FILE (repeatable), e.g. "
                  "sarif=mgate.sarif, html=report.html. FORMAT is one of: " +
                      format_names())
      // One FILE per --output: `--output sarif=x db/migrations` leaves the PATH a PATH.
      ->allow_extra_args(false);
}

void validate_outputs(const OutputRequest& request) {
  writer_for(request.stdout_format);
  for (const std::string& spec : request.files) {
    auto [format, file] = split_output(spec);
    writer_for(format);
    std::error_code ec;
    fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    if (!fs::is_directory(dir, ec)) {
      throw InputError(
          fmt::format("--output {}: directory '{}' does not exist", spec, dir.string()));
    }
  }
}

void write_outputs(const Report& report, const OutputRequest& request) {
  for (const std::string& spec : request.files) {
    auto [format, file] = split_output(spec);
    // Written beside the target and renamed over it, so a reader never sees half a report.
    fs::path partial = file;
    partial += fmt::format(".{}.partial", getpid());
    {
      std::ofstream out(partial, std::ios::binary | std::ios::trunc);
      if (out) writer_for(format).write(report, out, WriterOptions{});
      out.flush();
      if (!out) {
        std::error_code ec;
        fs::remove(partial, ec);
        throw InputError(fmt::format("--output {}: cannot write '{}'", spec, file.string()));
      }
    }
    std::error_code ec;
    fs::rename(partial, file, ec);
    if (ec) {
      fs::remove(partial, ec);
      throw InputError(fmt::format("--output {}: cannot write '{}'", spec, file.string()));
    }
  }
  if (request.stdout_format.empty()) return;  // --quiet on a passing run
  writer_for(request.stdout_format)
      .write(report, std::cout, WriterOptions{use_color(request.color)});
  std::cout.flush();
}

}  // namespace mgate
