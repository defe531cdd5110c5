#include "core/json_fields.hpp"

#include <fmt/core.h>

#include <charconv>
#include <functional>

#include "core/config.hpp"

namespace mgate {

using Json = nlohmann::json;

JsonFields::JsonFields(const Json& object, std::string source, std::string path)
    : object_(object), source_(std::move(source)), path_(std::move(path)) {
  if (!object_.is_object()) fail(path_.empty() ? "the document" : path_, "a JSON object");
}

std::string JsonFields::text(std::string_view key) const {
  return required(key, &Json::is_string, "a string").get<std::string>();
}

std::string JsonFields::text_or_empty(std::string_view key) const {
  const Json& value = required(
      key, [](const Json& v) { return v.is_null() || v.is_string(); }, "a string or null");
  return value.is_null() ? std::string() : value.get<std::string>();
}

bool JsonFields::boolean(std::string_view key) const {
  return required(key, &Json::is_boolean, "true or false").get<bool>();
}

bool JsonFields::has(std::string_view key) const {
  auto it = object_.find(key);
  return it != object_.end() && !it->is_null();
}

double JsonFields::number(std::string_view key) const {
  return required(key, &Json::is_number, "a number").get<double>();
}

long long JsonFields::integer(std::string_view key) const {
  return required(key, &Json::is_number_integer, "an integer").get<long long>();
}

std::vector<double> JsonFields::numbers(std::string_view key) const {
  const Json& values = required(key, &Json::is_array, "an array of numbers");
  std::vector<double> out;
  for (const Json& value : values) {
    if (!value.is_number()) fail(where(key), "an array of numbers");
    out.push_back(value.get<double>());
  }
  return out;
}

const Json& JsonFields::any(std::string_view key) const {
  return required(
      key, [](const Json&) { return true; }, "present");
}

JsonFields JsonFields::object(std::string_view key) const {
  return JsonFields(required(key, &Json::is_object, "a JSON object"), source_, where(key));
}

const Json& JsonFields::array(std::string_view key) const {
  return required(key, &Json::is_array, "an array");
}

JsonFields JsonFields::element(std::string_view key, std::size_t index) const {
  return JsonFields(array(key).at(index), source_, fmt::format("{}[{}]", where(key), index));
}

std::vector<JsonFields> JsonFields::elements(std::string_view key) const {
  std::vector<JsonFields> out;
  const Json& values = array(key);
  out.reserve(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) out.push_back(element(key, i));
  return out;
}

void JsonFields::refuse(std::string_view key, std::string_view why) const {
  throw InputError(fmt::format("{}: {} is {}", source_, where(key), why));
}

template <class Check>
const Json& JsonFields::required(std::string_view key, Check check,
                                 std::string_view expected) const {
  auto it = object_.find(key);
  if (it == object_.end()) fail(where(key), expected, true);
  if (!std::invoke(check, *it)) fail(where(key), expected);
  return *it;
}

std::string JsonFields::where(std::string_view key) const {
  return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
}

void JsonFields::fail(const std::string& at, std::string_view expected, bool missing) const {
  throw InputError(fmt::format("{}: {} {}", source_, at,
                               missing ? fmt::format("is missing (expected {})", expected)
                                       : fmt::format("is not {}", expected)));
}

int document_version(const Json& document, std::string_view prefix) {
  const Json* schema =
      document.is_object() && document.contains("schema") ? &document["schema"] : nullptr;
  std::string text = schema && schema->is_string() ? schema->get<std::string>() : "";
  if (!text.starts_with(prefix)) return 0;
  std::string_view digits = std::string_view(text).substr(prefix.size());
  int version = 0;
  auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  if (error != std::errc() || end != digits.data() + digits.size()) return 0;
  return version;
}

}  // namespace mgate
