#include "core/execution_plan.hpp"

#include <array>
#include <utility>

namespace mgate {
namespace {

// The names [migrations] transaction takes; "detect" is Flyway's own and not configurable.
constexpr std::array<std::pair<Transaction, std::string_view>, 4> kNames{{
    {Transaction::script, "per-migration"},
    {Transaction::query, "per-query"},
    {Transaction::statement, "per-statement"},
    {Transaction::detect, "detect"},
}};

}  // namespace

std::string_view to_string(Transaction transaction) {
  for (const auto& [value, name] : kNames) {
    if (value == transaction) return name;
  }
  return "per-migration";
}

std::optional<Transaction> configurable_transaction(std::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (known == name && value != Transaction::detect) return value;
  }
  return std::nullopt;
}

}  // namespace mgate
