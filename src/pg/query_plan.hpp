#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

// What PostgreSQL's planner chose for a query and what running it cost: EXPLAIN (ANALYZE,
// BUFFERS, FORMAT JSON) read into a tree of the fields the plans gate compares.
namespace mgate::pg {

class Connection;

struct PlanNode {
  std::string node_type;  // "Index Scan", "Seq Scan", "Hash Join", ...
  std::string relation;   // the table a scan reads, if any
  std::string index;      // the index an index scan uses, if any
  std::string join_type;  // "Inner", "Left", ... for joins
  double plan_rows = 0;   // the planner's estimate
  double total_cost = 0;  // in the planner's cost units
  double actual_rows = 0;
  double actual_loops = 0;
  long long shared_hit = 0;   // buffers found in shared_buffers, this node and below
  long long shared_read = 0;  // buffers read from the OS
  std::vector<PlanNode> children;
};

struct QueryPlan {
  PlanNode root;
  double planning_ms = 0;
  double execution_ms = 0;
};

// Runs EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of `sql` in a transaction that is rolled back,
// so a query that writes leaves nothing behind. Throws QueryFailed when the query fails,
// ConnectionLost when the connection breaks (pg/connection.hpp).
QueryPlan explain_analyze(Connection& connection, const std::string& sql);

// How long one run of `sql` takes in ms, from the first byte sent to the last row received, in a
// transaction that is rolled back, as explain_analyze. Throws as explain_analyze.
double timed_run(Connection& connection, const std::string& sql);

// One element of EXPLAIN's JSON array ({"Plan": ..., "Planning Time": ...}).
QueryPlan plan_from_explain(const nlohmann::json& explain);

// The tree as indented lines, one node a line: "Index Scan using orders_user_idx on orders
// (rows=12 est=10, cost=8.45)".
std::string render_plan(const PlanNode& root);
// The tree without numbers: node types, relations, indexes and join types. Two plans of one
// shape are the same strategy, whatever the data sizes.
std::string plan_shape(const PlanNode& root);

nlohmann::json to_json(const PlanNode& node);
PlanNode plan_node_from_json(const nlohmann::json& node);  // the inverse of to_json

}  // namespace mgate::pg
