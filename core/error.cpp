#include "core/error.h"

namespace aihunt::core {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "invalid_argument";
    case ErrorCode::kParse:
      return "parse";
    case ErrorCode::kConfig:
      return "config";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kLimitExceeded:
      return "limit_exceeded";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kTransport:
      return "transport";
    case ErrorCode::kTls:
      return "tls";
    case ErrorCode::kAuth:
      return "auth";
    case ErrorCode::kRemote:
      return "remote";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kTimeout:
      return "timeout";
    case ErrorCode::kCancelled:
      return "cancelled";
    case ErrorCode::kState:
      return "state";
    case ErrorCode::kBusy:
      return "busy";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Error Error::withContext(std::string_view context) const {
  Error copy = *this;
  // A message that already starts with this context (a builder that names its hunt, wrapped by
  // a caller that names it too) keeps one copy: "hunt 'x': hunt 'x' maps none of ..." helps no
  // one.
  const std::string_view said(message);
  const bool already =
      said.substr(0, context.size()) == context &&
      (said.size() == context.size() || said[context.size()] == ':' || said[context.size()] == ' ');
  if (!already) copy.message = std::string(context) + ": " + message;
  return copy;
}

}  // namespace aihunt::core
