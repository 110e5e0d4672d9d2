#pragma once
// Errors are values: every expected failure (input, config, network, QRadar) is reported as an
// Error inside a Result, never as an exception that escapes an adapter.
#include <string>
#include <string_view>

namespace aihunt::core {

enum class ErrorCode {
  kInvalidArgument,  // a caller or user passed something unusable
  kParse,            // malformed input: JSON, YAML, AQL, times
  kConfig,           // config is well-formed but wrong
  kIo,               // files, pipes
  kLimitExceeded,    // input larger or deeper than we accept
  kNotFound,
  kTransport,  // connection, DNS, reset
  kTls,
  kAuth,
  kRemote,  // the peer answered with an error
  // The peer answered that it cannot serve now (a 5xx, a 429): the same request later may do.
  kUnavailable,
  kTimeout,
  kCancelled,
  kState,  // the state store is unusable (damaged, newer schema, unwritable)
  kBusy,   // another process holds what is needed (the state file, a port): a later try may do
  kInternal,
};

std::string_view errorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;

  // Adds context in front of the message: "reading rows: line 3: unexpected end"; a message
  // that already begins with the context is left as it is.
  [[nodiscard]] Error withContext(std::string_view context) const;
  [[nodiscard]] std::string describe() const { return message; }
};

inline Error makeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace aihunt::core
