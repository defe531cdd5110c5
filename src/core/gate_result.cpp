#include "core/gate_result.hpp"

namespace mgate {

std::string_view to_string(GateStatus status) {
  switch (status) {
    case GateStatus::pass:
      return "pass";
    case GateStatus::fail:
      return "fail";
    case GateStatus::skip:
      return "skip";
    case GateStatus::error:
      return "error";
  }
  return "error";
}

}  // namespace mgate
