#pragma once
// Syslog as QRadar receives it. Framing (RFC 6587): octet counting ("<len> <msg>") or
// newline-terminated (LF, optional CR), chosen per frame. Headers: RFC 5424
// ("<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG"), RFC 3164 ("<PRI>Mmm dd hh:mm:ss HOST TAG:
// MSG"), or none (the message as is). Pure and bounded, for fuzzing.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace aihunt::emulator {

inline constexpr std::size_t kMaxSyslogFrame = 64 * 1024;

struct SyslogMessage {
  int priority = -1;  // -1: no <PRI>
  enum class Format { kNone, kRfc3164, kRfc5424 } format = Format::kNone;
  std::string hostname;
  std::string app_name;
  std::optional<core::EpochMs> time;  // RFC 5424 timestamps only (3164 has no year or zone)
  std::string message;                // what follows the header: "LEEF:2.0|..."
};

SyslogMessage parseSyslog(std::string_view frame);

// Splits a TCP byte stream into frames. Oversized or malformed octet counts make the framer
// fall back to newline framing for that data; frames over kMaxSyslogFrame are cut.
class SyslogFramer {
 public:
  // Appends complete frames from `bytes` to `frames`.
  void feed(std::string_view bytes, std::vector<std::string>& frames);
  // The unterminated rest at end of stream, as a last frame (if any).
  void finish(std::vector<std::string>& frames);

 private:
  std::string buffer_;
};

}  // namespace aihunt::emulator
