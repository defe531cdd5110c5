#include "gates/atlas_sum.hpp"

// SHA256_Init and its kin are deprecated in OpenSSL 3 in favour of EVP; see Sha256 below.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <algorithm>

namespace mgate::atlas {
namespace {

struct Entry {
  std::string name;
  std::string hash;  // base64 of the SHA-256, without "h1:"
  friend bool operator==(const Entry&, const Entry&) = default;
};

std::string base64(const unsigned char* bytes, std::size_t size) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < size; i += 3) {
    unsigned value = static_cast<unsigned>(bytes[i]) << 16;
    if (i + 1 < size) value |= static_cast<unsigned>(bytes[i + 1]) << 8;
    if (i + 2 < size) value |= bytes[i + 2];
    out += kDigits[(value >> 18) & 63];
    out += kDigits[(value >> 12) & 63];
    out += i + 1 < size ? kDigits[(value >> 6) & 63] : '=';
    out += i + 2 < size ? kDigits[value & 63] : '=';
  }
  return out;
}

// A running SHA-256 whose intermediate digests can be read, as Go's hash.Hash.Sum allows. The
// digest's own functions, not EVP's: mgate links libcrypto statically, and EVP would bring in
// most of the library (its provider machinery), which every start of mgate then relocates.
class Sha256 {
 public:
  Sha256() { SHA256_Init(&context_); }
  void write(std::string_view bytes) { SHA256_Update(&context_, bytes.data(), bytes.size()); }
  std::string sum() const {
    SHA256_CTX copy = context_;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256_Final(digest, &copy);
    return base64(digest, sizeof digest);
  }

 private:
  SHA256_CTX context_;
};

// Atlas skips the content of a file whose first line holds `atlas:sum ignore`.
bool sum_ignored(std::string_view text) {
  std::string_view first = text.substr(0, std::min(text.find('\n'), text.size()));
  std::size_t at = first.find("atlas:sum");
  if (at == std::string_view::npos) return false;
  std::string_view rest = first.substr(at + 9);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return rest.starts_with("ignore");
}

std::vector<Entry> entries_of(const std::vector<File>& files) {
  std::vector<Entry> entries;
  Sha256 running;
  for (const File& file : files) {
    running.write(file.name);
    if (sum_ignored(file.text)) continue;
    running.write(file.text);
    entries.push_back({file.name, running.sum()});
  }
  return entries;
}

std::string total(const std::vector<Entry>& entries) {
  Sha256 sha;
  for (const Entry& entry : entries) {
    sha.write(entry.name);
    sha.write(entry.hash);
  }
  return sha.sum();
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r'))
    text.remove_suffix(1);
  return text;
}

}  // namespace

std::string sum_file(const std::vector<File>& files) {
  std::vector<Entry> entries = entries_of(files);
  std::string text = "h1:" + total(entries) + "\n";
  for (const Entry& entry : entries) text += entry.name + " h1:" + entry.hash + "\n";
  return text;
}

std::optional<Mismatch> verify(std::string_view sum, const std::vector<File>& files) {
  // HashFile.UnmarshalText: the total on the first line, then "<name> h1:<hash>" lines.
  std::vector<Entry> recorded;
  std::string first;
  std::size_t line = 0;
  while (!sum.empty()) {
    std::size_t end = std::min(sum.find('\n'), sum.size());
    std::string_view text = sum.substr(0, end);
    if (text.ends_with('\r')) text.remove_suffix(1);
    sum.remove_prefix(std::min(end + 1, sum.size()));
    if (++line == 1) {
      first = std::string(text.starts_with("h1:") ? text.substr(3) : text);
      continue;
    }
    std::size_t hash = text.find("h1:");
    if (hash == std::string_view::npos) return Mismatch{Mismatch::Reason::malformed, "", line};
    recorded.push_back(
        {std::string(trimmed(text.substr(0, hash))), std::string(text.substr(hash + 3))});
  }
  if (first != total(recorded)) return Mismatch{Mismatch::Reason::sum_edited, "", 1};

  // Validate: the first entry that differs, and why.
  std::vector<Entry> actual = entries_of(files);
  if (total(actual) == total(recorded)) return std::nullopt;
  for (std::size_t i = 0; i < recorded.size(); ++i) {
    if (i < actual.size() && actual[i] == recorded[i]) continue;
    auto same_name = std::find_if(actual.begin(), actual.end(),
                                  [&](const Entry& e) { return e.name == recorded[i].name; });
    if (same_name == actual.end())
      return Mismatch{Mismatch::Reason::removed, recorded[i].name, i + 2};
    if (static_cast<std::size_t>(same_name - actual.begin()) == i)
      return Mismatch{Mismatch::Reason::edited, recorded[i].name, i + 2};
    return Mismatch{Mismatch::Reason::added, actual[i].name, i + 2};
  }
  return Mismatch{Mismatch::Reason::added, actual[recorded.size()].name, recorded.size() + 2};
}

}  // namespace mgate::atlas
