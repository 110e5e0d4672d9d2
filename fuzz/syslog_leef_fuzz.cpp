// libFuzzer target for qradar-emu's untrusted syslog input: RFC 6587 framing (fed in two
// chunks split by the first byte), RFC 3164/5424 headers, LEEF 1.0/2.0 parsing and the mapping
// of LEEF keys to event fields; plus the HTTP request-piece parsers on the same bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/event_intake.h"
#include "emulator/leef_parser.h"
#include "emulator/offense_filter.h"
#include "emulator/request_parsing.h"
#include "emulator/syslog_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace aihunt::emulator;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  SyslogFramer framer;
  std::vector<std::string> frames;
  framer.feed(input.substr(0, split), frames);
  framer.feed(input.substr(split), frames);
  framer.finish(frames);
  for (const std::string& frame : frames) {
    if (frame.size() > kMaxSyslogFrame) __builtin_trap();
    const SyslogMessage message = parseSyslog(frame);
    auto leef = parseLeef(message.message);
    if (leef.ok()) {
      if (leef->attributes.size() > kMaxLeefAttributes) __builtin_trap();
      const FieldList fields = leefToFields(*leef, message, 0);
      (void)fields;
    }
  }
  (void)parseQueryString(input);
  (void)splitPath(input);
  (void)parseItemsRange(input);
  (void)parsePreferWait(input);
  (void)parseBasicAuth(input);
  (void)parseApiVersion(input);
  auto filter = parseFilter(input);
  if (filter.ok()) (void)filter->matches(nlohmann::json{{"id", 1}, {"status", "OPEN"}});
  (void)parseSort(input);
  return 0;
}
