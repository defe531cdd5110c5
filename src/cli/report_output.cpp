#include "cli/report_output.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

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

// Writes all of `bytes` to `fd`: the errno of the failure, or 0.
int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return 0;
}

// Writes and closes `fd` (close reports what NFS and quotas only see then): errno, or 0.
int write_and_close(int fd, std::string_view bytes) {
  int error = write_all(fd, bytes);
  if (::close(fd) != 0 && error == 0) error = errno;
  return error;
}

std::string rendered(const Writer& writer, const Report& report, WriterOptions options) {
  // Room for the whole text up front, as most reports take (about a kilobyte a finding in JSON):
  // grown by doubling, the text of 2,500 findings was copied through buffers of 1, 2 and 4 MB,
  // each a run of fresh pages (libstdc++'s stream writes into the string's whole capacity).
  std::size_t findings = 0;
  for (const GateResult& gate : report.gates) findings += gate.findings.size();
  std::string room;
  room.reserve(64 * 1024 + findings * 1280);
  std::ostringstream out(std::move(room));
  writer.write(report, out, options);
  return std::move(out).str();
}

// The files a run reads, and what each is to it.
std::vector<std::pair<fs::path, std::string>> files_read(const Config& config,
                                                         const MigrationSet& set) {
  std::vector<std::pair<fs::path, std::string>> files;
  for (const Migration& m : set.migrations) {
    for (const auto* script : {&m.up, &m.down, &m.verify}) {
      if (*script)
        files.emplace_back(config.root / (*script)->file, fmt::format("migration {}", m.id()));
    }
    for (const std::string& file : m.files)
      files.emplace_back(config.root / file, fmt::format("a file of migration {}", m.id()));
  }
  for (const StrayFile& stray : set.strays)
    files.emplace_back(config.root / stray.file, "a file of the migration set");
  if (!set.checksum_file.empty())
    files.emplace_back(config.root / set.checksum_file, "the migration tool's checksum file");
  if (!config.file.empty()) files.emplace_back(config.file, "the config file");
  for (const std::string& seed : config.fixtures.seed)
    files.emplace_back(config.root / seed, "a seed file ([fixtures] seed)");
  for (const auto& [name, key] :
       {std::pair{config.plans.queries, "[plans] queries"},
        std::pair{config.traffic.queries, "[traffic] queries"},
        std::pair{config.plans.baseline, "[plans] baseline"},
        std::pair{config.fixtures.production_stats, "[fixtures] production_stats"}}) {
    if (!name.empty()) files.emplace_back(config.root / name, fmt::format("the {} file", key));
  }
  return files;
}

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

}  // namespace

int write_file(const fs::path& file, std::string_view bytes) {
  struct stat status {};
  bool exists = ::stat(file.c_str(), &status) == 0;
  if (exists && !S_ISREG(status.st_mode)) {
    // A device or a pipe (/dev/stdout, a FIFO) cannot be replaced: it is written in place.
    int fd = ::open(file.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    return fd < 0 ? errno : write_and_close(fd, bytes);
  }
  // A regular file is written beside itself and renamed over: a reader never sees half a
  // report, and a failed write leaves what was there. Through a symbolic link, the file it names
  // is replaced and the link stays.
  std::error_code ec;
  fs::path target = exists ? fs::canonical(file, ec) : file;
  if (ec) return ec.value();
  fs::path partial = target;
  partial += fmt::format(".{}.partial", getpid());
  auto create = [&] {
    return ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  };
  int fd = create();
  // One left by a killed process that had this pid.
  if (fd < 0 && errno == EEXIST && ::unlink(partial.c_str()) == 0) fd = create();
  if (fd < 0) return errno;
  // The report replacing a file keeps its permissions (a private one stays private).
  int error = exists && ::fchmod(fd, status.st_mode & 07777) != 0 ? errno : 0;
  if (error == 0) {
    error = write_and_close(fd, bytes);
  } else {
    ::close(fd);
  }
  if (error == 0 && ::rename(partial.c_str(), target.c_str()) != 0) error = errno;
  if (error != 0) ::unlink(partial.c_str());
  return error;
}

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
    if (fs::is_directory(file, ec))
      throw InputError(fmt::format("--output {}: '{}' is a directory", spec, file.string()));
  }
}

void refuse_overwriting_inputs(const OutputRequest& request, const Config& config,
                               const MigrationSet& set) {
  if (request.files.empty()) return;
  std::vector<std::pair<fs::path, std::string>> inputs = files_read(config, set);
  for (const std::string& spec : request.files) {
    fs::path file = split_output(spec).second;
    struct stat output {};
    if (::stat(file.c_str(), &output) != 0) continue;  // a new file replaces nothing
    for (const auto& [input, what] : inputs) {
      struct stat read {};
      if (::stat(input.c_str(), &read) == 0 && same_file(output, read)) {
        throw InputError(fmt::format(
            "--output {}: '{}' is {}, which this run reads; a report must not replace it: "
            "write the report to another file",
            spec, file.string(), what));
      }
    }
  }
}

void write_outputs(const Report& report, const OutputRequest& request) {
  std::vector<std::string> failures;
  for (const std::string& spec : request.files) {
    auto [format, file] = split_output(spec);
    if (int error = write_file(file, rendered(writer_for(format), report, WriterOptions{}))) {
      failures.push_back(fmt::format("--output {}: cannot write '{}': {}", spec, file.string(),
                                     std::strerror(error)));
    }
  }
  // --quiet on a passing run leaves stdout empty.
  if (!request.stdout_format.empty()) {
    std::cout.flush();
    std::string text = rendered(writer_for(request.stdout_format), report,
                                WriterOptions{use_color(request.color)});
    if (int error = write_all(STDOUT_FILENO, text)) {
      failures.push_back(
          fmt::format("cannot write the report to standard output: {}", std::strerror(error)));
    }
  }
  if (failures.empty()) return;
  std::string all;
  for (const std::string& failure : failures) all += (all.empty() ? "" : "; ") + failure;
  throw EnvironmentError(all);
}

}  // namespace mgate
