#include "gates/plans_diff.hpp"

#include <algorithm>
#include <functional>

namespace mgate {
namespace {

void visit(const pg::PlanNode& node, const std::function<void(const pg::PlanNode&)>& f) {
  f(node);
  for (const pg::PlanNode& child : node.children) visit(child, f);
}

std::string label(const pg::PlanNode& n) {
  std::string text = n.node_type;
  if (!n.join_type.empty()) text += " (" + n.join_type + ")";
  if (!n.index.empty()) text += " using " + n.index;
  if (!n.relation.empty()) text += " on " + n.relation;
  return text;
}

std::vector<std::string> labels(const pg::PlanNode& root) {
  std::vector<std::string> out;
  visit(root, [&](const pg::PlanNode& n) { out.push_back(label(n)); });
  std::sort(out.begin(), out.end());
  return out;
}

// A Bitmap Index Scan names no relation: its Bitmap Heap Scan above does.
void collect_index_uses(const pg::PlanNode& n, const std::string& heap,
                        std::vector<IndexUse>& out) {
  if (!n.index.empty()) {
    IndexUse use{n.index, n.relation.empty() ? heap : n.relation, n.node_type};
    if (std::find(out.begin(), out.end(), use) == out.end()) out.push_back(use);
  }
  const std::string& below = n.node_type == "Bitmap Heap Scan" ? n.relation : heap;
  for (const pg::PlanNode& child : n.children) collect_index_uses(child, below, out);
}

// Walks two trees of one shape side by side.
void compare_estimates(const pg::PlanNode& before, const pg::PlanNode& after,
                       std::vector<EstimateChange>& out) {
  if (before.plan_rows != after.plan_rows)
    out.push_back({label(before), before.plan_rows, after.plan_rows});
  for (std::size_t i = 0; i < before.children.size() && i < after.children.size(); ++i)
    compare_estimates(before.children[i], after.children[i], out);
}

}  // namespace

std::vector<IndexUse> index_uses(const pg::PlanNode& root) {
  std::vector<IndexUse> out;
  collect_index_uses(root, "", out);
  return out;
}

std::vector<std::string> seq_scanned(const pg::PlanNode& root) {
  std::vector<std::string> out;
  visit(root, [&](const pg::PlanNode& n) {
    if (n.node_type == "Seq Scan" && std::find(out.begin(), out.end(), n.relation) == out.end())
      out.push_back(n.relation);
  });
  return out;
}

PlanDiff diff_plans(const pg::PlanNode& before, const pg::PlanNode& after) {
  PlanDiff diff;
  diff.cost_before = before.total_cost;
  diff.cost_after = after.total_cost;
  diff.shape_changed = pg::plan_shape(before) != pg::plan_shape(after);
  if (!diff.shape_changed) compare_estimates(before, after, diff.estimates);
  std::vector<IndexUse> used_after = index_uses(after);
  for (const IndexUse& use : index_uses(before)) {
    // Another index on the same table (a renamed or replacing one) still serves the query.
    bool still = std::any_of(used_after.begin(), used_after.end(), [&](const IndexUse& u) {
      return u.index == use.index || (!use.relation.empty() && u.relation == use.relation);
    });
    if (!still) diff.lost_indexes.push_back(use);
  }
  std::vector<std::string> scanned_before = seq_scanned(before);
  for (const std::string& relation : seq_scanned(after)) {
    if (std::find(scanned_before.begin(), scanned_before.end(), relation) == scanned_before.end())
      diff.new_seq_scans.push_back(relation);
  }
  std::vector<std::string> was = labels(before);
  std::vector<std::string> now = labels(after);
  std::set_difference(was.begin(), was.end(), now.begin(), now.end(),
                      std::back_inserter(diff.removed));
  std::set_difference(now.begin(), now.end(), was.begin(), was.end(),
                      std::back_inserter(diff.added));
  return diff;
}

}  // namespace mgate
