#pragma once
// The event model: one Ariel result row (or one exported event), reduced to the logical fields
// the detection reads. Values are views into the row's buffer and live only while that row is
// processed; a Finding copies what it keeps.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aihunt::detection {

// Logical fields. Each hunt maps them to the console's column names.
enum class Field : std::uint8_t {
  kEventTime,  // ISO text, 'yyyy-MM-dd HH:mm:ss' or epoch ms
  kSourceIp,
  kUsername,
  kHost,  // endpoint host name
  kDestinationIp,
  kDestinationPort,
  kUrl,
  kDestHost,     // destination host name (Sysmon 3 DestinationHostname, SNI)
  kQueryName,    // DNS query name
  kApplication,  // process or application as the log source reports it
  kImage,        // full image path of the process (Sysmon Image, auditd exe)
  kUserAgent,
  kCommandLine,
  kScriptText,  // PowerShell 4104 script block
  kTargetFile,  // Sysmon 11 TargetFilename
  kBytesSent,
  kEventCategory,
  kLogSource,
  kProcessCategoryHint,  // the seed query's CASE column, kept for comparison only
  kLogSourceType,        // LOGSOURCETYPENAME(devicetype): tells aihunt's own LEEF events apart
  kCount,
};

inline constexpr std::size_t kFieldCount = static_cast<std::size_t>(Field::kCount);

// Stable snake_case names used in config (`fields:` mappings) and error messages.
std::string_view fieldName(Field field);
std::optional<Field> fieldFromName(std::string_view name);

struct Event {
  std::array<std::string_view, kFieldCount> values{};
  // bytes_sent and destination_port parsed as numbers when the row has them.
  std::optional<std::int64_t> bytes_sent;
  std::optional<std::int64_t> destination_port;
  std::optional<std::int64_t> event_time_ms;

  [[nodiscard]] std::string_view get(Field field) const {
    return values[static_cast<std::size_t>(field)];
  }
  void set(Field field, std::string_view value) { values[static_cast<std::size_t>(field)] = value; }

  // The numbers as rows give them; a value no port or byte count can have (a DSM's -1, a
  // mis-parsed field) is no value: findings promise 0-65535 and non-negative counts.
  void setBytesSent(std::optional<std::int64_t> bytes) {
    bytes_sent = bytes && *bytes >= 0 ? bytes : std::nullopt;
  }
  void setDestinationPort(std::optional<std::int64_t> port) {
    destination_port = port && *port >= 0 && *port <= 65535 ? port : std::nullopt;
  }
};

// Logical field -> column name in a result row. The default is the seed query's aliases.
struct FieldMapping {
  std::array<std::string, kFieldCount> columns{};

  static FieldMapping seedDefaults();
  [[nodiscard]] const std::string& column(Field field) const {
    return columns[static_cast<std::size_t>(field)];
  }
  void setColumn(Field field, std::string name) {
    columns[static_cast<std::size_t>(field)] = std::move(name);
  }
};

}  // namespace aihunt::detection
