#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "discover/scan.hpp"

namespace mgate::discovery {

// One reader per layout: each reads scan.dir() and adds to `scan` the migrations it finds and
// the files that do not fit. docs/layouts.md describes every layout.
void read_plain(Scan& scan);
void read_golang_migrate(Scan& scan);
void read_flyway(Scan& scan);
void read_dbmate(Scan& scan);
void read_diesel(Scan& scan);
void read_goose(Scan& scan);
void read_sqitch(Scan& scan);

// plain and golang-migrate read the same files; golang-migrate requires a direction suffix
// (".up.sql" or ".down.sql") where plain also takes a bare ".sql" as an up. golang-migrate's
// migrations run in an implicit transaction (Migration::implicit_transaction).
void read_up_down_files(Scan& scan, std::string_view layout, bool direction_required,
                        bool implicit_transaction);

// Whether a file's text has the marker line that opens an up section, as the tool reads it.
bool has_dbmate_up(std::string_view text);
bool has_goose_up(std::string_view text);

// The name of the layout `dir` looks like: the rules are in docs/layouts.md, "auto".
std::string detect_layout(const std::filesystem::path& dir);

}  // namespace mgate::discovery
