#pragma once
// Config problems as values. Every error and warning names the path of the offending value
// ("hunts[0].fields.url") so that `aihunt config check` can print them all at once and a user
// can find each one without reading our code.
#include <string>
#include <string_view>
#include <vector>

namespace aihunt::config {

struct ConfigMessage {
  std::string source;  // file name or "<text>"; pack files use their own name
  std::string path;    // "qradar.tls.ca_file", "exceptions[2].match.source_cidr[0]"; "" = document
  std::string message;
  int line = 0;  // 1-based; 0 when unknown
  int column = 0;

  // "aihunt.yaml:12:7: hunts[0].fields.url: 'a;b' is not a safe property name"
  [[nodiscard]] std::string describe() const;
};

using ConfigError = ConfigMessage;
using ConfigWarning = ConfigMessage;

struct YamlMark {
  int line = 0;  // 1-based; 0 when unknown
  int column = 0;
};

// Collects errors and warnings while a document is read, so that reading never stops at the
// first problem.
class Diagnostics {
 public:
  explicit Diagnostics(std::string source) : source_(std::move(source)) {}

  void error(std::string path, std::string message, YamlMark mark = {});
  void warning(std::string path, std::string message, YamlMark mark = {});

  [[nodiscard]] const std::string& source() const { return source_; }
  [[nodiscard]] const std::vector<ConfigError>& errors() const { return errors_; }
  [[nodiscard]] const std::vector<ConfigWarning>& warnings() const { return warnings_; }
  [[nodiscard]] bool hasErrors() const { return !errors_.empty(); }

  // Appends another collector's findings (a pack file read with its own source name).
  void merge(const Diagnostics& other);
  // Replaces every occurrence of `secret` in the collected texts: defence in depth, so that a
  // token that ended up in some value can never be echoed back by an error.
  void scrub(std::string_view secret);
  // Every key a MapReader asked for, as a path ("qradar.tls.ca_file"), present or not: how the
  // tests prove that the key table (config_keys.h) lists everything the readers know.
  void noteKeyRead(std::string path) { keys_read_.push_back(std::move(path)); }
  std::vector<std::string> takeKeysRead() { return std::move(keys_read_); }
  std::vector<ConfigError> takeErrors() { return std::move(errors_); }
  std::vector<ConfigWarning> takeWarnings() { return std::move(warnings_); }

 private:
  std::string source_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigWarning> warnings_;
  std::vector<std::string> keys_read_;
};

// "a.b" for child "b" of "a", "b" for a child of the document root.
std::string childPath(std::string_view parent, std::string_view key);
// "a[3]".
std::string indexPath(std::string_view parent, std::size_t index);

}  // namespace aihunt::config
