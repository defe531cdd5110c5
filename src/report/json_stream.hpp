#pragma once
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace mgate {

// Writes JSON as it goes, in the layout of write_json_document (2-space indent, UTF-8, bytes that
// are not valid UTF-8 replaced by U+FFFD), without building a document first: a report of tens of
// thousands of findings is written in one pass through a buffer.
//   JsonStream json(out);
//   json.begin_object();
//   json.key("schema"); json.string("mgate-report/1");
//   json.end_object();
//   json.finish();
class JsonStream {
 public:
  explicit JsonStream(std::ostream& out) : out_(out) {}
  // A stream that goes on inside an array `depth` levels deep which already holds an element,
  // laid out as the enclosing stream would: what it writes is spliced into that stream with raw()
  // (the JSON report's findings are written by two threads, half each).
  JsonStream(std::ostream& out, std::size_t depth)
      : out_(out), scopes_(depth, Scope{true, false}) {}
  ~JsonStream() { flush(); }
  JsonStream(const JsonStream&) = delete;
  JsonStream& operator=(const JsonStream&) = delete;

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  void key(std::string_view name);  // in an object, before each value
  void string(std::string_view text);
  void number(int64_t value);
  void boolean(bool value);
  void null();
  // A value built elsewhere (evidence, metrics), laid out at the current depth.
  void value(const nlohmann::json& value);
  // What a stream made with the constructor above wrote, as the next elements of the array
  // being written here, which holds an element already.
  void raw(std::string_view elements);
  // How many objects and arrays are open.
  std::size_t depth() const { return scopes_.size(); }
  // The trailing newline; flushes.
  void finish();

 private:
  struct Scope {
    bool array;
    bool empty = true;
  };
  void before_value();
  void close(char bracket);
  void newline_and_indent(std::size_t depth);
  void flush();

  std::ostream& out_;
  std::string buffer_;
  std::vector<Scope> scopes_;
  bool after_key_ = false;
};

// Appends `text` as a JSON string literal: quoted, escaped as nlohmann escapes it (without
// escaping non-ASCII), invalid UTF-8 replaced by U+FFFD.
void append_json_string(std::string& out, std::string_view text);

}  // namespace mgate
