#include "detection/event.h"

namespace aihunt::detection {
namespace {

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {
    "event_time",
    "source_ip",
    "username",
    "host",
    "destination_ip",
    "destination_port",
    "url",
    "dest_host",
    "query_name",
    "application",
    "image",
    "user_agent",
    "command_line",
    "script_text",
    "target_file",
    "bytes_sent",
    "event_category",
    "log_source",
    "process_category_hint",
    "log_source_type",
};

}  // namespace

std::string_view fieldName(Field field) { return kFieldNames[static_cast<std::size_t>(field)]; }

std::optional<Field> fieldFromName(std::string_view name) {
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    if (kFieldNames[i] == name) return static_cast<Field>(i);
  }
  return std::nullopt;
}

FieldMapping FieldMapping::seedDefaults() {
  // The seed query's column aliases, plus the names our built-in hunts alias the extra
  // logical fields to.
  FieldMapping mapping;
  mapping.setColumn(Field::kEventTime, "EventTime");
  mapping.setColumn(Field::kSourceIp, "sourceip");
  mapping.setColumn(Field::kUsername, "username");
  mapping.setColumn(Field::kHost, "Hostname");
  mapping.setColumn(Field::kDestinationIp, "destinationip");
  mapping.setColumn(Field::kDestinationPort, "destinationport");
  mapping.setColumn(Field::kUrl, "DestinationURL");
  mapping.setColumn(Field::kDestHost, "DestinationHost");
  mapping.setColumn(Field::kQueryName, "QueryName");
  mapping.setColumn(Field::kApplication, "InitiatingApplication");
  mapping.setColumn(Field::kImage, "Image");
  mapping.setColumn(Field::kUserAgent, "UserAgent");
  mapping.setColumn(Field::kCommandLine, "CommandLine");
  mapping.setColumn(Field::kScriptText, "ScriptBlockText");
  mapping.setColumn(Field::kTargetFile, "TargetFilename");
  mapping.setColumn(Field::kBytesSent, "BytesSent");
  mapping.setColumn(Field::kEventCategory, "EventCategory");
  mapping.setColumn(Field::kLogSource, "LogSource");
  mapping.setColumn(Field::kProcessCategoryHint, "ProcessCategory");
  return mapping;
}

}  // namespace aihunt::detection
