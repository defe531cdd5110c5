#include "pg/query_plan.hpp"

#include <fmt/core.h>

#include <chrono>

#include "pg/libpqxx.hpp"

namespace mgate::pg {
namespace {

using Json = nlohmann::json;

std::string text_of(const Json& node, const char* key) {
  auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : "";
}

double number_of(const Json& node, const char* key) {
  auto it = node.find(key);
  return it != node.end() && it->is_number() ? it->get<double>() : 0;
}

PlanNode read_explain_node(const Json& node) {
  PlanNode out;
  out.node_type = text_of(node, "Node Type");
  out.relation = text_of(node, "Relation Name");
  out.index = text_of(node, "Index Name");
  out.join_type = text_of(node, "Join Type");
  out.plan_rows = number_of(node, "Plan Rows");
  out.total_cost = number_of(node, "Total Cost");
  out.actual_rows = number_of(node, "Actual Rows");
  out.actual_loops = number_of(node, "Actual Loops");
  out.shared_hit = static_cast<long long>(number_of(node, "Shared Hit Blocks"));
  out.shared_read = static_cast<long long>(number_of(node, "Shared Read Blocks"));
  if (auto plans = node.find("Plans"); plans != node.end() && plans->is_array()) {
    for (const Json& child : *plans) out.children.push_back(read_explain_node(child));
  }
  return out;
}

std::string label(const PlanNode& n) {
  std::string text = n.node_type;
  if (!n.join_type.empty() && n.join_type != "Inner") text += fmt::format(" ({})", n.join_type);
  if (!n.index.empty()) text += " using " + n.index;
  if (!n.relation.empty()) text += " on " + n.relation;
  return text;
}

void render(const PlanNode& n, int depth, bool numbers, std::string& out) {
  out += std::string(static_cast<std::size_t>(depth) * 2, ' ') + label(n);
  if (numbers) {
    out += fmt::format(" (rows={:.6g} est={:.6g}, cost={:.6g})", n.actual_rows, n.plan_rows,
                       n.total_cost);
  }
  out += '\n';
  for (const PlanNode& child : n.children) render(child, depth + 1, numbers, out);
}

}  // namespace

QueryPlan plan_from_explain(const Json& explain) {
  QueryPlan plan;
  plan.root = read_explain_node(explain.at("Plan"));
  plan.planning_ms = number_of(explain, "Planning Time");
  plan.execution_ms = number_of(explain, "Execution Time");
  return plan;
}

QueryPlan explain_analyze(Connection& connection, const std::string& sql) {
  pqxx::result r = translated([&] {
    pqxx::work tx(libpqxx(connection));
    pqxx::result explained = tx.exec("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql);
    tx.abort();
    return explained;
  });
  Json explain = Json::parse(r.at(0).at(0).c_str());
  return plan_from_explain(explain.at(0));
}

double timed_run(Connection& connection, const std::string& sql) {
  return translated([&] {
    pqxx::work tx(libpqxx(connection));
    auto start = std::chrono::steady_clock::now();
    tx.exec(sql);
    std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    tx.abort();  // a query that writes leaves nothing behind for the next run
    return took.count();
  });
}

std::string render_plan(const PlanNode& root) {
  std::string out;
  render(root, 0, true, out);
  return out;
}

std::string plan_shape(const PlanNode& root) {
  std::string out;
  render(root, 0, false, out);
  return out;
}

Json to_json(const PlanNode& n) {
  Json out = {{"node_type", n.node_type},       {"plan_rows", n.plan_rows},
              {"total_cost", n.total_cost},     {"actual_rows", n.actual_rows},
              {"actual_loops", n.actual_loops}, {"shared_hit", n.shared_hit},
              {"shared_read", n.shared_read}};
  if (!n.relation.empty()) out["relation"] = n.relation;
  if (!n.index.empty()) out["index"] = n.index;
  if (!n.join_type.empty()) out["join_type"] = n.join_type;
  if (!n.children.empty()) {
    out["children"] = Json::array();
    for (const PlanNode& child : n.children) out["children"].push_back(to_json(child));
  }
  return out;
}

PlanNode plan_node_from_json(const Json& j) {
  PlanNode n;
  n.node_type = j.value("node_type", "");
  n.relation = j.value("relation", "");
  n.index = j.value("index", "");
  n.join_type = j.value("join_type", "");
  n.plan_rows = j.value("plan_rows", 0.0);
  n.total_cost = j.value("total_cost", 0.0);
  n.actual_rows = j.value("actual_rows", 0.0);
  n.actual_loops = j.value("actual_loops", 0.0);
  n.shared_hit = j.value("shared_hit", 0LL);
  n.shared_read = j.value("shared_read", 0LL);
  if (auto children = j.find("children"); children != j.end() && children->is_array()) {
    for (const Json& child : *children) n.children.push_back(plan_node_from_json(child));
  }
  return n;
}

}  // namespace mgate::pg
