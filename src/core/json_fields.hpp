#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace mgate {

// Reads typed values out of a JSON object of a file mgate reads back (the plans baseline, the
// production stats) and names the source and the key of anything missing or of the wrong type
// in an InputError: a renamed key is an error, never a silent zero.
class JsonFields {
 public:
  JsonFields(const nlohmann::json& object, std::string source, std::string path = "");

  std::string text(std::string_view key) const;
  // A string, or "" when the value is null.
  std::string text_or_empty(std::string_view key) const;
  bool boolean(std::string_view key) const;
  // Whether `key` is there and not null.
  bool has(std::string_view key) const;
  double number(std::string_view key) const;
  long long integer(std::string_view key) const;
  std::vector<double> numbers(std::string_view key) const;
  const nlohmann::json& any(std::string_view key) const;
  JsonFields object(std::string_view key) const;
  const nlohmann::json& array(std::string_view key) const;
  // The fields of the object at `index` of the array `key`.
  JsonFields element(std::string_view key, std::size_t index) const;
  // The fields of every object of the array `key`.
  std::vector<JsonFields> elements(std::string_view key) const;
  // Throws the InputError of a value at `key` that is there but wrong: "... is <why>".
  [[noreturn]] void refuse(std::string_view key, std::string_view why) const;

 private:
  template <class Check>
  const nlohmann::json& required(std::string_view key, Check check,
                                 std::string_view expected) const;
  std::string where(std::string_view key) const;
  [[noreturn]] void fail(const std::string& at, std::string_view expected,
                         bool missing = false) const;

  const nlohmann::json& object_;
  std::string source_;
  std::string path_;
};

// N of a document whose "schema" is "<prefix>N" ("mgate-baseline/1"); 0 when it has no such
// "schema" (not a document of this kind).
int document_version(const nlohmann::json& document, std::string_view prefix);

}  // namespace mgate
