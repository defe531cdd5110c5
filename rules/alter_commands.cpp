#include "rules/rule.hpp"

namespace mgate {

std::vector<AlterCommand> alter_commands(const sql::Statement& statement,
                                         std::string_view subtype) {
  std::vector<AlterCommand> out;
  sql::Node alter = statement.node.as("AlterTableStmt");
  if (!alter) return out;
  std::string table = sql::relation_name(alter["relation"]);
  for (const sql::Node& item : alter["cmds"].items()) {
    sql::Node cmd = item.as("AlterTableCmd");
    if (cmd["subtype"].str() == subtype) out.push_back({table, cmd});
  }
  return out;
}

}  // namespace mgate
