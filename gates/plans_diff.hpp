#pragma once
#include <string>
#include <vector>

#include "pg/query_plan.hpp"

// How a critical query's plan changed between the schema before the gated migrations and after
// them: the comparison of the two node trees that the plans gate reports from.
namespace mgate {

struct IndexUse {
  std::string index;
  std::string relation;
  std::string node_type;  // Index Scan, Index Only Scan, Bitmap Index Scan
  friend bool operator==(const IndexUse&, const IndexUse&) = default;
};

// A node whose row estimate changed while the plan kept its shape (statistics, not strategy).
struct EstimateChange {
  std::string node;  // its label, e.g. "Index Scan using orders_customer_id_idx on orders"
  double before = 0;
  double after = 0;
};

struct PlanDiff {
  // Used before; after, no index at all serves that table.
  std::vector<IndexUse> lost_indexes;
  std::vector<std::string> new_seq_scans;  // relations scanned sequentially only after
  std::vector<std::string> removed;        // node labels only before ("Hash Join", ...)
  std::vector<std::string> added;          // node labels only after
  std::vector<EstimateChange> estimates;   // same shape only: nodes whose estimate changed
  double cost_before = 0;
  double cost_after = 0;
  bool shape_changed = false;

  double cost_ratio() const { return cost_before > 0 ? cost_after / cost_before : 1; }
};

PlanDiff diff_plans(const pg::PlanNode& before, const pg::PlanNode& after);

// Every index scan of a plan, and every relation it reads with a sequential scan.
std::vector<IndexUse> index_uses(const pg::PlanNode& root);
std::vector<std::string> seq_scanned(const pg::PlanNode& root);

}  // namespace mgate
