// The `outputs:` section: where findings go (terminal, JSONL file, QRadar reference sets, LEEF
// over syslog, offense notes).
#include <algorithm>
#include <string_view>

#include "config/schema.h"
#include "config/yaml_reader.h"
#include "core/text.h"

namespace aihunt::config {
namespace {

// Whether `text` starts or ends with a space that is not ASCII (UTF-8): no-break (U+00A0,
// U+202F), the typographic spaces U+2000-U+200A, zero-width (U+200B, U+FEFF), U+205F and
// ideographic (U+3000). A value copied from a web page or a document brings them along, and they
// look like nothing in the config and in a log.
bool unicodeSpaceAt(std::string_view bytes) {
  const auto byte = [&](std::size_t i) {
    return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0U;
  };
  if (byte(0) == 0xC2U && byte(1) == 0xA0U) return true;
  if (byte(0) == 0xE2U && byte(1) == 0x80U) {
    return (byte(2) >= 0x80U && byte(2) <= 0x8BU) || byte(2) == 0xAFU;
  }
  return (byte(0) == 0xE2U && byte(1) == 0x81U && byte(2) == 0x9FU) ||
         (byte(0) == 0xE3U && byte(1) == 0x80U && byte(2) == 0x80U) ||
         (byte(0) == 0xEFU && byte(1) == 0xBBU && byte(2) == 0xBFU);
}

bool unicodeSpaceAtEnds(std::string_view text) {
  if (unicodeSpaceAt(text)) return true;
  for (const std::size_t length : {std::size_t{2}, std::size_t{3}}) {
    if (text.size() >= length && unicodeSpaceAt(text.substr(text.size() - length))) return true;
  }
  return false;
}

// The longest offense note: it is a query parameter (docs/operations.md, offense notes).
constexpr std::int64_t kMaxNoteChars = 2'000;

}  // namespace

// Reference set names end up in REST paths and AQL REFERENCESETCONTAINS('...').
bool isReferenceSetName(std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == ' ' || name.back() == ' ') return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == ' ' || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> readReferenceSetName(const YamlNode& node, Diagnostics& diagnostics) {
  auto text = readString(node, diagnostics);
  if (!text) return std::nullopt;
  if (!isReferenceSetName(*text)) {
    diagnostics.error(node.path,
                      "'" + core::printableExcerpt(*text) +
                          "' is not a reference set name (letters, digits, space, '_', '-', '.')",
                      node.mark);
    return std::nullopt;
  }
  return text;
}

namespace {

void referenceSetName(MapReader& reader, std::string_view key, std::string& out,
                      bool required = false) {
  const YamlNode* node = required ? reader.require(key) : reader.get(key);
  if (node == nullptr) return;
  if (auto name = readReferenceSetName(*node, reader.diagnostics())) out = std::move(*name);
}

void readSeverity(MapReader& reader, detection::Severity& out) {
  reader.choice<detection::Severity>("min_severity", out,
                                     {{"low", detection::Severity::kLow},
                                      {"medium", detection::Severity::kMedium},
                                      {"high", detection::Severity::kHigh},
                                      {"critical", detection::Severity::kCritical}});
}

// `sets:` (a list of {name, field, min_severity, time_to_live}), or the two sets that
// source_ips_set and users_set name (the shape before sets: existed); not both.
void readReferenceSets(MapReader& reader, ReferenceSetsOutput& out) {
  std::string sources = "AIHunt AI API Sources";
  std::string users = "AIHunt AI API Users";
  referenceSetName(reader, "source_ips_set", sources);
  referenceSetName(reader, "users_set", users);
  const YamlNode* list = reader.get("sets");
  if (list == nullptr) {
    out.sets = {{sources, ReferenceSetField::kSourceIp, out.min_severity, out.time_to_live},
                {users, ReferenceSetField::kUsername, out.min_severity, out.time_to_live}};
    return;
  }
  for (const char* key : {"source_ips_set", "users_set"}) {
    if (const YamlNode* legacy = reader.node().find(key)) {
      reader.diagnostics().error(legacy->path, "give the sets either in sets: or here, not both",
                                 legacy->key_mark);
    }
  }
  out.sets.clear();
  if (!expectList(*list, reader.diagnostics())) return;
  if (list->items.empty()) {
    reader.diagnostics().error(list->path, "lists no reference set", list->mark);
  }
  for (const YamlNode& item : list->items) {
    MapReader s(item, reader.diagnostics());
    ReferenceSetTarget target{"", ReferenceSetField::kSourceIp, out.min_severity, out.time_to_live};
    referenceSetName(s, "name", target.name, /*required=*/true);
    if (s.require("field") != nullptr) {
      s.choice<ReferenceSetField>("field", target.field,
                                  {{"source_ip", ReferenceSetField::kSourceIp},
                                   {"username", ReferenceSetField::kUsername},
                                   {"host", ReferenceSetField::kHost},
                                   {"domain", ReferenceSetField::kDomain},
                                   {"process_name", ReferenceSetField::kProcessName}});
    }
    readSeverity(s, target.min_severity);
    s.duration("time_to_live", target.time_to_live, std::chrono::milliseconds(60'000));
    if (target.name.empty()) continue;
    for (const auto& earlier : out.sets) {
      if (earlier.name == target.name) {
        const YamlNode* at = item.find("name");
        reader.diagnostics().error(at->path, "'" + target.name + "' is listed twice", at->mark);
      }
    }
    out.sets.push_back(std::move(target));
  }
}

bool isHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (const char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == ':';  // ':' for IPv6 literals
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string_view referenceSetFieldName(ReferenceSetField field) {
  switch (field) {
    case ReferenceSetField::kSourceIp:
      return "source_ip";
    case ReferenceSetField::kUsername:
      return "username";
    case ReferenceSetField::kHost:
      return "host";
    case ReferenceSetField::kDomain:
      return "domain";
    case ReferenceSetField::kProcessName:
      return "process_name";
  }
  return "source_ip";
}

std::string_view referenceSetElementType(ReferenceSetField field) {
  return field == ReferenceSetField::kSourceIp ? "IP" : "ALNIC";
}

bool hasDestination(const OutputsConfig& outputs) { return !enabledSinkNames(outputs).empty(); }

std::vector<std::string> enabledSinkNames(const OutputsConfig& outputs) {
  std::vector<std::string> names;
  if (!outputs.jsonl.path.empty()) names.emplace_back("jsonl");
  if (outputs.leef.enabled) names.emplace_back("leef");
  if (outputs.reference_sets.enabled) names.emplace_back("reference_sets");
  if (outputs.offense_notes.enabled) names.emplace_back("offense_notes");
  return names;
}

OutputsConfig readOutputsSection(const YamlNode& node, Diagnostics& diagnostics) {
  OutputsConfig outputs;
  MapReader reader(node, diagnostics);
  if (const YamlNode* out = reader.get("stdout")) {
    MapReader s(*out, diagnostics);
    s.choice<StdoutFormat>("format", outputs.standard_output.format,
                           {{"table", StdoutFormat::kTable},
                            {"json", StdoutFormat::kJson},
                            {"jsonl", StdoutFormat::kJsonl},
                            {"csv", StdoutFormat::kCsv}});
    s.duration("incident_window", outputs.standard_output.incident_window,
               std::chrono::milliseconds(60'000));
  }
  if (const YamlNode* jsonl = reader.get("jsonl")) {
    MapReader j(*jsonl, diagnostics);
    j.string("path", outputs.jsonl.path, /*required=*/true);
    j.integer("max_bytes", outputs.jsonl.max_bytes, 4096, std::int64_t{1} << 40);
    j.integer("keep", outputs.jsonl.keep, 0, 1000);
  }
  if (const YamlNode* sets = reader.get("reference_sets")) {
    MapReader r(*sets, diagnostics);
    auto& out = outputs.reference_sets;
    r.boolean("enabled", out.enabled);
    r.warnIfOffBySilence(out.enabled, "the reference-set output");
    r.duration("time_to_live", out.time_to_live, std::chrono::milliseconds(60'000));
    readSeverity(r, out.min_severity);
    readReferenceSets(r, out);
  }
  if (const YamlNode* leef = reader.get("leef")) {
    MapReader l(*leef, diagnostics);
    auto& out = outputs.leef;
    l.boolean("enabled", out.enabled);
    l.warnIfOffBySilence(out.enabled, "the LEEF output");
    if (const YamlNode* host = l.get("host")) {
      if (auto text = readString(*host, diagnostics)) {
        if (isHostName(*text)) {
          out.host = *text;
        } else {
          diagnostics.error(
              host->path, "'" + core::printableExcerpt(*text) + "' is not a host name", host->mark);
        }
      }
    }
    l.integer("port", out.port, 1, 65535);
    const std::size_t errors_before_protocol = diagnostics.errors().size();
    l.choice<LeefProtocol>("protocol", out.protocol,
                           {{"tcp", LeefProtocol::kTcp}, {"tls", LeefProtocol::kTls}});
    // A mistyped protocol ("tsl") is said once: the ca_file beside it is no second error.
    const bool protocol_read = diagnostics.errors().size() == errors_before_protocol;
    l.stringOrEmpty("ca_file", out.ca_file);
    if (const YamlNode* name = l.get("hostname")) {
      // RFC 5424 HOSTNAME: printable ASCII, at most 255; IBM asks for a host name or IPv4
      // address (no IPv6) in the header.
      if (auto text = readString(*name, diagnostics)) {
        if (isHostName(*text) && text->find(':') == std::string::npos) {
          out.hostname = *text;
        } else {
          diagnostics.error(name->path,
                            "'" + core::printableExcerpt(*text) +
                                "' is not a host name (letters, digits, '-', '.', '_')",
                            name->mark);
        }
      }
    }
    if (out.enabled && out.host.empty() && leef->find("host") == nullptr) {
      diagnostics.error(childPath(leef->path, "host"), "LEEF output needs a syslog host",
                        leef->mark.line > 0 ? leef->mark : leef->key_mark);
    }
    if (protocol_read && !out.ca_file.empty() && out.protocol != LeefProtocol::kTls) {
      const YamlNode* at = leef->find("ca_file");
      diagnostics.error(at->path, "ca_file only applies to protocol: tls", at->mark);
    }
  }
  if (const YamlNode* notes = reader.get("offense_notes")) {
    MapReader n(*notes, diagnostics);
    auto& out = outputs.offense_notes;
    n.boolean("enabled", out.enabled);
    n.warnIfOffBySilence(out.enabled, "the offense-notes output");
    // Both are compared with server data; printable text, so that they can be logged as given.
    // match_rule may be empty: offenses are then told by their description only.
    const auto matchText = [&](const char* key, std::string& target, bool may_be_empty,
                               const char* looked_in) {
      const YamlNode* match = n.get(key);
      if (match == nullptr) return;
      auto text = readString(*match, diagnostics, may_be_empty);
      if (!text) return;
      const bool printable = std::none_of(text->begin(), text->end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      });
      const bool blank = core::trim(*text).empty() && !(may_be_empty && text->empty());
      if (blank) {
        diagnostics.error(match->path,
                          std::string("must not be blank") +
                              (may_be_empty ? " ('' turns it off)" : "") +
                              ": it is looked for in " + looked_in,
                          match->mark);
      } else if (text->size() > 255 || !printable) {
        diagnostics.error(match->path,
                          "'" + core::printableExcerpt(*text) + "' must be printable text of " +
                              (may_be_empty ? "0" : "1") + " to 255 bytes",
                          match->mark);
      } else {
        if (core::trim(*text).size() != text->size() || unicodeSpaceAtEnds(*text)) {
          // Kept as given (a name may hold the spaces), but a quoted value's stray spaces are
          // the likelier story: a trial's '  aihunt ' matched no rule.
          diagnostics.warning(match->path,
                              "'" + core::printableExcerpt(*text) +
                                  "' has spaces at its ends (ASCII, no-break or zero-width): "
                                  "only a name with those spaces matches it",
                              match->mark);
        }
        target = *text;
      }
    };
    matchText("match_description", out.match_description, false, "offense names");
    matchText("match_rule", out.match_rule, true, "rule names");
    // The note's marker and summary head need some room. The note is a query parameter (IBM's
    // POST /siem/offenses/{id}/notes takes note_text in the query), and web front ends refuse
    // long request lines (8 KiB is common): 2,000 characters, percent-encoded, stay under that
    // for ASCII text. IBM documents no limit for these notes; closing notes are limited to 2,000.
    // A config written for the earlier bound (up to 100000) still loads: such a value is cut
    // to 2,000 with a warning, not refused, so that a daemon's restart or reload goes on.
    n.integer("max_note_chars", out.max_note_chars, 200, 100'000);
    if (out.max_note_chars > kMaxNoteChars) {
      if (const YamlNode* key = n.get("max_note_chars")) {
        n.diagnostics().warning(key->path,
                                std::to_string(out.max_note_chars) + " is cut to " +
                                    std::to_string(kMaxNoteChars) +
                                    ": a note travels in the request's URL, and longer ones "
                                    "would be refused",
                                key->mark);
      }
      out.max_note_chars = kMaxNoteChars;
    }
    n.duration("delay", out.delay, std::chrono::milliseconds(0));
    n.duration("wait_for_offense", out.wait_for_offense, std::chrono::milliseconds(0));
  }
  return outputs;
}

}  // namespace aihunt::config
