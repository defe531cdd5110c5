#include "sql/locks.hpp"

#include <algorithm>

namespace mgate::sql {
namespace {

std::string normalise(std::string schema, std::string_view name) {
  if (schema.empty() || schema == "public") return std::string(name);
  return schema + "." + std::string(name);
}

LockMode strongest(LockMode a, LockMode b) {
  return std::max(a, b);
}

// The lock one ALTER TABLE subcommand takes on the altered table (PostgreSQL 15's
// AlterTableGetLockLevel).
LockMode alter_table_command_lock(const Node& cmd) {
  std::string_view subtype = cmd["subtype"].str();
  if (subtype == "AT_AddConstraint") {
    Node constraint = cmd["def"].as("Constraint");
    if (constraint["contype"].str() == "CONSTR_FOREIGN") return LockMode::share_row_exclusive;
    return LockMode::access_exclusive;
  }
  if (subtype == "AT_ValidateConstraint" || subtype == "AT_SetStatistics" ||
      subtype == "AT_SetOptions" || subtype == "AT_ResetOptions" || subtype == "AT_ClusterOn" ||
      subtype == "AT_DropCluster" || subtype == "AT_AttachPartition" ||
      subtype == "AT_DetachPartitionFinalize") {
    return LockMode::share_update_exclusive;
  }
  if (subtype == "AT_DetachPartition" && cmd["def"]["PartitionCmd"]["concurrent"].boolean()) {
    return LockMode::share_update_exclusive;
  }
  if (subtype == "AT_EnableTrig" || subtype == "AT_EnableAlwaysTrig" ||
      subtype == "AT_EnableReplicaTrig" || subtype == "AT_EnableTrigAll" ||
      subtype == "AT_EnableTrigUser" || subtype == "AT_DisableTrig" ||
      subtype == "AT_DisableTrigAll" || subtype == "AT_DisableTrigUser") {
    return LockMode::share_row_exclusive;
  }
  return LockMode::access_exclusive;
}

void add_foreign_key_targets(const Node& constraint, std::vector<RelationLock>& out) {
  Node c = constraint.as("Constraint");
  if (c["contype"].str() == "CONSTR_FOREIGN" && c["pktable"]) {
    out.push_back({relation_name(c["pktable"]), LockMode::share_row_exclusive});
  }
}

void alter_table_locks(const Node& stmt, std::vector<RelationLock>& out) {
  std::string_view objtype = stmt["objtype"].str();
  if (objtype != "OBJECT_TABLE" && objtype != "OBJECT_MATVIEW" && objtype != "OBJECT_INDEX" &&
      objtype != "OBJECT_FOREIGN_TABLE") {
    return;
  }
  LockMode mode = LockMode::access_share;
  for (const Node& item : stmt["cmds"].items()) {
    Node cmd = item.as("AlterTableCmd");
    mode = strongest(mode, alter_table_command_lock(cmd));
    std::string_view subtype = cmd["subtype"].str();
    Node partition = cmd["def"].as("PartitionCmd");
    // The partition attached, or detached without CONCURRENTLY, is locked ACCESS EXCLUSIVE
    // (ATTACH holds it while it checks the rows against the bound).
    if (subtype == "AT_AttachPartition" ||
        (subtype == "AT_DetachPartition" && !partition["concurrent"].boolean())) {
      out.push_back({relation_name(partition["name"]), LockMode::access_exclusive});
    }
    add_foreign_key_targets(cmd["def"], out);
    for (const Node& c : cmd["def"].as("ColumnDef")["constraints"].items()) {
      add_foreign_key_targets(c, out);
    }
  }
  // The altered table comes first.
  out.insert(out.begin(), {relation_name(stmt["relation"]), mode});
}

void drop_locks(const Node& stmt, std::vector<RelationLock>& out) {
  std::string_view type = stmt["removeType"].str();
  LockMode mode = LockMode::access_exclusive;
  if (type == "OBJECT_INDEX" && stmt["concurrent"].boolean()) {
    mode = LockMode::share_update_exclusive;
  } else if (type != "OBJECT_TABLE" && type != "OBJECT_INDEX" && type != "OBJECT_VIEW" &&
             type != "OBJECT_MATVIEW" && type != "OBJECT_SEQUENCE" &&
             type != "OBJECT_FOREIGN_TABLE") {
    return;
  }
  for (const Node& object : stmt["objects"].items()) out.push_back({qualified_name(object), mode});
}

void rename_locks(const Node& stmt, std::vector<RelationLock>& out) {
  if (!stmt["relation"]) return;
  // Renaming an index takes only SHARE UPDATE EXCLUSIVE since PostgreSQL 12.
  LockMode mode = stmt["renameType"].str() == "OBJECT_INDEX" ? LockMode::share_update_exclusive
                                                             : LockMode::access_exclusive;
  out.push_back({relation_name(stmt["relation"]), mode});
}

bool has_option(const Node& options, std::string_view name) {
  for (const Node& option : options.items()) {
    Node def = option.as("DefElem");
    if (def["defname"].str() == name) {
      Node arg = def["arg"];
      // A bare option is on; FULL false / CONCURRENTLY false are written out.
      return !arg || arg.str() != "false";
    }
  }
  return false;
}

}  // namespace

std::string_view to_string(LockMode mode) {
  switch (mode) {
    case LockMode::access_share:
      return "ACCESS SHARE";
    case LockMode::row_share:
      return "ROW SHARE";
    case LockMode::row_exclusive:
      return "ROW EXCLUSIVE";
    case LockMode::share_update_exclusive:
      return "SHARE UPDATE EXCLUSIVE";
    case LockMode::share:
      return "SHARE";
    case LockMode::share_row_exclusive:
      return "SHARE ROW EXCLUSIVE";
    case LockMode::exclusive:
      return "EXCLUSIVE";
    case LockMode::access_exclusive:
      return "ACCESS EXCLUSIVE";
  }
  return "";
}

std::string_view what_it_blocks(LockMode mode) {
  switch (mode) {
    case LockMode::access_exclusive:
      return "every read and write";
    case LockMode::exclusive:
      return "every write and SELECT … FOR UPDATE (plain reads go on)";
    case LockMode::share_row_exclusive:
    case LockMode::share:
      return "every INSERT, UPDATE and DELETE (reads go on)";
    case LockMode::share_update_exclusive:
      return "other schema changes and VACUUM (reads and writes go on)";
    default:
      return "only conflicting schema changes";
  }
}

bool blocks_writes(LockMode mode) {
  return mode >= LockMode::share;
}

std::string relation_name(const Node& range_var) {
  return normalise(std::string(range_var["schemaname"].str()), range_var["relname"].str());
}

std::string qualified_name(const Node& names) {
  std::vector<Node> parts = names.as("List")["items"].items();
  if (parts.empty()) parts = names.items();
  if (parts.empty()) return "";
  std::string schema = parts.size() >= 2 ? std::string(parts[parts.size() - 2].str()) : "";
  return normalise(schema, parts.back().str());
}

std::vector<RelationLock> locks_taken(const Node& statement) {
  std::vector<RelationLock> out;
  std::string_view type = statement.type();
  Node stmt = statement.inner();
  if (type == "AlterTableStmt") {
    alter_table_locks(stmt, out);
  } else if (type == "IndexStmt") {
    out.push_back({relation_name(stmt["relation"]), stmt["concurrent"].boolean()
                                                        ? LockMode::share_update_exclusive
                                                        : LockMode::share});
  } else if (type == "DropStmt") {
    drop_locks(stmt, out);
  } else if (type == "RenameStmt") {
    rename_locks(stmt, out);
  } else if (type == "TruncateStmt") {
    for (const Node& r : stmt["relations"].items()) {
      out.push_back({relation_name(r.as("RangeVar")), LockMode::access_exclusive});
    }
  } else if (type == "VacuumStmt") {
    LockMode mode = has_option(stmt["options"], "full") ? LockMode::access_exclusive
                                                        : LockMode::share_update_exclusive;
    for (const Node& r : stmt["rels"].items()) {
      out.push_back({relation_name(r.as("VacuumRelation")["relation"]), mode});
    }
  } else if (type == "ClusterStmt") {
    if (stmt["relation"])
      out.push_back({relation_name(stmt["relation"]), LockMode::access_exclusive});
  } else if (type == "ReindexStmt") {
    if (stmt["relation"]) {
      out.push_back({relation_name(stmt["relation"]), has_option(stmt["params"], "concurrently")
                                                          ? LockMode::share_update_exclusive
                                                          : LockMode::share});
    }
  } else if (type == "LockStmt") {
    // LockStmt.mode is PostgreSQL's LOCKMODE: 1 (ACCESS SHARE) to 8 (ACCESS EXCLUSIVE).
    int64_t mode = std::clamp<int64_t>(stmt["mode"].integer(), 1, 8);
    for (const Node& r : stmt["relations"].items()) {
      out.push_back({relation_name(r.as("RangeVar")), static_cast<LockMode>(mode - 1)});
    }
  } else if (type == "CreateTrigStmt") {
    out.push_back({relation_name(stmt["relation"]), LockMode::share_row_exclusive});
  } else if (type == "RefreshMatViewStmt") {
    out.push_back({relation_name(stmt["relation"]), stmt["concurrent"].boolean()
                                                        ? LockMode::exclusive
                                                        : LockMode::access_exclusive});
  } else if (type == "CreateStmt") {
    // CREATE TABLE … PARTITION OF locks the partitioned table ACCESS EXCLUSIVE.
    if (stmt["partbound"]) {
      for (const Node& parent : stmt["inhRelations"].items()) {
        out.push_back({relation_name(parent.as("RangeVar")), LockMode::access_exclusive});
      }
    }
    for (const Node& c : stmt["constraints"].items()) add_foreign_key_targets(c, out);
    for (const Node& element : stmt["tableElts"].items()) {
      for (const Node& c : element.as("ColumnDef")["constraints"].items()) {
        add_foreign_key_targets(c, out);
      }
    }
  }
  return out;
}

}  // namespace mgate::sql
