// `mgate merge REPORT.json...`: the reports of a run's shards (--shard K/N) as one report, in
// any format, with the exit code the unsharded run would have had.
#include <fmt/core.h>

#include <fstream>
#include <iterator>

#include "cli/commands.hpp"
#include "gates/report_merge.hpp"
#include "report/json_read.hpp"

namespace mgate {
namespace {

Report read_report(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot read it (no such file?)", file));
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) throw InputError(fmt::format("{}: cannot read it", file));
  return read_json_report(text, file);
}

}  // namespace

CLI::App* add_merge_command(CLI::App& app, MergeCommand& c) {
  CLI::App* cmd = app.add_subcommand(
      "merge",
      "Combine the JSON reports of the N shards of one run (--shard K/N) into one report, with "
      "the verdict the unsharded run would have had; refuses a set with a shard missing, given "
      "twice, or from another run");
  cmd->add_option("REPORT", c.reports,
                  "The JSON report of each shard (--format json or --output json=FILE)")
      ->required();
  add_output_options(*cmd, c.output);
  cmd->add_flag("-q,--quiet", c.quiet,
                "Write nothing to stdout when the merged report passes (--output files are still "
                "written)");
  cmd->add_option("--color", c.color, "Colour in text output: auto, always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  return cmd;
}

int run_merge(const MergeCommand& c) {
  OutputRequest output = output_request(c.output, c.color);
  std::vector<ReportFile> shards;
  for (const std::string& file : c.reports) shards.push_back({file, read_report(file)});
  return write_report(std::move(output), merge_shards(std::move(shards)), c.quiet);
}

}  // namespace mgate
