#include "report/json_document.hpp"

namespace mgate {

void write_json_document(std::ostream& out, const nlohmann::ordered_json& document) {
  // nlohmann's public dump() builds the whole document in one string first; its serializer
  // streams, which keeps a 20,000-finding report from being copied in memory twice.
  using Json = nlohmann::ordered_json;
  nlohmann::detail::serializer<Json> serializer(nlohmann::detail::output_adapter<char>(out), ' ',
                                                Json::error_handler_t::replace);
  serializer.dump(document, true, false, 2);
  out << '\n';
}

}  // namespace mgate
