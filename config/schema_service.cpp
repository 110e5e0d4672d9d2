// The daemon's own sections: `state:` (SQLite), `server:` (health and metrics) and `logging:`.
#include <charconv>

#include "config/schema.h"
#include "config/yaml_reader.h"
#include "core/text.h"

namespace aihunt::config {

StateConfig readStateSection(const YamlNode& node, Diagnostics& diagnostics) {
  StateConfig state;
  MapReader reader(node, diagnostics);
  if (const YamlNode* path = reader.get("path"); path != nullptr && !path->isNull()) {
    state.path_given = true;
  }
  reader.string("path", state.path);
  reader.duration("retention", state.retention, std::chrono::milliseconds(86'400'000));
  reader.integer("outbox_max_rows", state.outbox_max_rows, 1000, std::int64_t{1} << 40);
  return state;
}

ServerConfig readServerSection(const YamlNode& node, Diagnostics& diagnostics) {
  ServerConfig server;
  MapReader reader(node, diagnostics);
  reader.boolean("enabled", server.enabled);
  reader.warnIfOffBySilence(server.enabled, "the health and metrics server");
  reader.duration("ready_within", server.ready_within, std::chrono::seconds(5));
  if (const YamlNode* listen = reader.get("listen")) {
    auto text = readString(*listen, diagnostics);
    if (!text) return server;
    // "host:port" or "[v6]:port".
    const std::size_t colon = text->rfind(':');
    std::string host = colon == std::string::npos ? std::string() : text->substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    const std::string port_text =
        colon == std::string::npos ? std::string() : text->substr(colon + 1);
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    bool host_ok = !host.empty();
    for (const char c : host) {
      host_ok = host_ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '.' || c == '-' || c == ':');
    }
    if (!host_ok || port_text.empty() || ec != std::errc() ||
        end != port_text.data() + port_text.size() || port > 65535) {
      diagnostics.error(listen->path,
                        "'" + core::printableExcerpt(*text) +
                            "' is not host:port (like 127.0.0.1:9464 or [::]:9464)",
                        listen->mark);
      return server;
    }
    server.listen = *text;
    server.host = host;
    server.port = static_cast<std::uint16_t>(port);
  }
  return server;
}

LoggingConfig readLoggingSection(const YamlNode& node, Diagnostics& diagnostics) {
  LoggingConfig logging;
  MapReader reader(node, diagnostics);
  if (const YamlNode* level = reader.get("level")) {
    if (auto text = readString(*level, diagnostics)) {
      if (auto parsed = core::parseLogLevel(*text)) {
        logging.level = *parsed;
      } else {
        diagnostics.error(level->path, parsed.error().message, level->mark);
      }
    }
  }
  if (const YamlNode* format = reader.get("format")) {
    if (auto text = readString(*format, diagnostics)) {
      if (auto parsed = core::parseLogFormat(*text)) {
        logging.format = *parsed;
      } else {
        diagnostics.error(format->path, parsed.error().message, format->mark);
      }
    }
  }
  return logging;
}

}  // namespace aihunt::config
