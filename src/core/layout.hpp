#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/execution_plan.hpp"

namespace mgate {

// What mgate knows about a migration tool's layout besides how to read its files (that is
// src/discover): the facts the gates quote to users. docs/layouts.md describes each layout, what
// its tool does and where that is documented.
struct Layout {
  std::string_view name{};     // as in [migrations] layout
  std::string_view tool{};     // as its users name the tool
  std::string_view example{};  // one migration as the tool names its files
  // How a script is made to run outside a transaction, said to the user when one must;
  // "<script>" stands for the script's file name.
  std::string_view outside_transaction{};
  // How its scripts run when neither they nor [migrations] transaction say otherwise, and
  // whether [migrations] transaction may change that (only where the tool is a plain runner).
  Transaction transaction = Transaction::script;
  bool configurable_transaction = false;
  // Whether the tool has down scripts at all: Prisma and Atlas migrations have none, so a
  // migration without one is how they are, not a finding.
  bool has_downs = true;
  // Whether the tool orders migrations by version; sqitch and Liquibase follow a plan instead,
  // so version gaps, duplicates and order say nothing there.
  bool ordered_by_version = true;
  // What the tool does when a migration it already applied is edited (history gate); empty
  // when it does not notice.
  std::string_view on_edit{};
  // The table in which the tool records applied migrations, as the tool creates it before the
  // first one (IF NOT EXISTS added): migrations may read or change it. Empty: none mgate makes.
  std::string_view history_table{};
  // Where a down script for the up script `up_file` goes, as help for the user.
  std::string (*down_for)(std::string_view up_file) = nullptr;
};

// Every layout, in the order docs/layouts.md lists them.
const std::vector<Layout>& all_layouts();

// The layout called `name`, or nullptr.
const Layout* find_layout(std::string_view name);

// The layout called `name`; a name no layout has is a programming error (discovery only ever
// produces known names), answered with plain's facts.
const Layout& layout_named(std::string_view name);

// "plain, golang-migrate, ...": for messages.
std::string layout_list();

}  // namespace mgate
