#include "emulator/syslog_parser.h"

#include "core/char_class.h"
#include "core/text.h"

namespace aihunt::emulator {
namespace {

// Next space-delimited token; advances `rest` past it and one space.
std::string_view token(std::string_view& rest) {
  const std::size_t space = rest.find(' ');
  const std::string_view out = rest.substr(0, space);
  rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
  return out;
}

// RFC 5424 structured data: "-" or one or more [id param="v\]"...] blocks.
bool skipStructuredData(std::string_view& rest) {
  if (rest.empty()) return true;
  if (rest[0] == '-') {
    rest = rest.size() > 1 ? rest.substr(rest[1] == ' ' ? 2 : 1) : std::string_view();
    return true;
  }
  while (!rest.empty() && rest[0] == '[') {
    bool quoted = false;
    std::size_t i = 1;
    for (; i < rest.size(); ++i) {
      const char c = rest[i];
      if (c == '\\' && quoted) {
        ++i;
        continue;
      }
      if (c == '"') quoted = !quoted;
      if (c == ']' && !quoted) break;
    }
    if (i >= rest.size()) return false;
    rest = rest.substr(i + 1);
  }
  if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
  return true;
}

bool looksLike3164Time(std::string_view text) {
  // "Mmm dd hh:mm:ss" or "Mmm  d hh:mm:ss"
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() < 15) return false;
  bool month = false;
  for (std::string_view m : kMonths) month = month || text.substr(0, 3) == m;
  return month && text[3] == ' ' && (core::isAsciiDigit(text[4]) || text[4] == ' ') &&
         core::isAsciiDigit(text[5]) && text[6] == ' ' && core::isAsciiDigit(text[7]) &&
         core::isAsciiDigit(text[8]) && text[9] == ':' && core::isAsciiDigit(text[10]) &&
         core::isAsciiDigit(text[11]) && text[12] == ':' && core::isAsciiDigit(text[13]) &&
         core::isAsciiDigit(text[14]);
}

}  // namespace

SyslogMessage parseSyslog(std::string_view frame) {
  SyslogMessage out;
  while (!frame.empty() && (frame.back() == '\n' || frame.back() == '\r' || frame.back() == '\0')) {
    frame.remove_suffix(1);
  }
  std::string_view rest = frame;
  if (!rest.empty() && rest[0] == '<') {
    std::size_t i = 1;
    int priority = 0;
    while (i < rest.size() && i <= 4 && core::isAsciiDigit(rest[i]))
      priority = priority * 10 + (rest[i++] - '0');
    if (i > 1 && i < rest.size() && rest[i] == '>' && priority <= 191) {
      out.priority = priority;
      rest = rest.substr(i + 1);
    }
  }
  if (out.priority >= 0 && rest.size() >= 2 && rest[0] == '1' && rest[1] == ' ') {
    std::string_view body = rest.substr(2);
    const std::string_view timestamp = token(body);
    const std::string_view host = token(body);
    const std::string_view app = token(body);
    token(body);  // PROCID
    token(body);  // MSGID
    if (skipStructuredData(body)) {
      out.format = SyslogMessage::Format::kRfc5424;
      if (host != "-") out.hostname = std::string(host);
      if (app != "-") out.app_name = std::string(app);
      if (timestamp != "-") {
        auto parsed = core::parseTimestamp(timestamp);
        if (parsed.ok()) out.time = *parsed;
      }
      if (body.size() >= 3 && body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
      out.message = std::string(body);
      return out;
    }
  }
  if (looksLike3164Time(rest)) {
    std::string_view body = rest.substr(15);
    if (!body.empty() && body[0] == ' ') body.remove_prefix(1);
    out.format = SyslogMessage::Format::kRfc3164;
    if (!core::istartsWith(body, "LEEF:")) {
      out.hostname = std::string(token(body));
      // TAG: "app:" or "app[pid]:" unless the message starts right away.
      if (!core::istartsWith(body, "LEEF:")) {
        const std::size_t colon = body.find(": ");
        const std::size_t space = body.find(' ');
        if (colon < 48 && colon <= space) {  // npos is larger
          std::string_view tag = body.substr(0, colon);
          const std::size_t bracket = tag.find('[');
          out.app_name = std::string(tag.substr(0, bracket));
          body = body.substr(colon + 2);
        }
      }
    }
    out.message = std::string(body);
    return out;
  }
  out.message = std::string(rest);
  return out;
}

void SyslogFramer::feed(std::string_view bytes, std::vector<std::string>& frames) {
  buffer_.append(bytes);
  std::size_t pos = 0;
  while (pos < buffer_.size()) {
    // Octet counting: digits, a space, then exactly that many bytes.
    std::size_t i = pos;
    std::size_t length = 0;
    while (i < buffer_.size() && i - pos < 7 && core::isAsciiDigit(buffer_[i])) {
      length = length * 10 + static_cast<std::size_t>(buffer_[i] - '0');
      ++i;
    }
    if (i > pos && buffer_[pos] != '0' && length <= kMaxSyslogFrame) {
      if (i == buffer_.size()) break;  // need more bytes to decide
      if (buffer_[i] == ' ') {
        if (buffer_.size() - (i + 1) < length) break;  // incomplete frame
        frames.push_back(buffer_.substr(i + 1, length));
        pos = i + 1 + length;
        continue;
      }
    }
    const std::size_t newline = buffer_.find('\n', pos);
    if (newline == std::string::npos) {
      if (buffer_.size() - pos > kMaxSyslogFrame) {
        frames.push_back(buffer_.substr(pos, kMaxSyslogFrame));
        pos = buffer_.size();
      }
      break;
    }
    std::string frame = buffer_.substr(pos, std::min(newline - pos, kMaxSyslogFrame));
    if (!frame.empty() && frame.back() == '\r') frame.pop_back();
    if (!frame.empty()) frames.push_back(std::move(frame));
    pos = newline + 1;
  }
  buffer_.erase(0, pos);
}

void SyslogFramer::finish(std::vector<std::string>& frames) {
  if (!buffer_.empty()) {
    std::string frame = buffer_.substr(0, kMaxSyslogFrame);
    if (!frame.empty() && frame.back() == '\r') frame.pop_back();
    if (!frame.empty()) frames.push_back(std::move(frame));
  }
  buffer_.clear();
}

}  // namespace aihunt::emulator
