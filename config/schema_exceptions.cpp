// The `exceptions:` section: named, owned, optionally expiring suppressions.
#include <map>

#include "config/schema.h"
#include "config/yaml_reader.h"
#include "core/text.h"
#include "core/time.h"

namespace aihunt::config {
namespace {

bool isExceptionId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A matcher list: present means non-empty, because an empty list would read as "any".
const YamlNode* matcherList(MapReader& reader, std::string_view key) {
  const YamlNode* node = reader.get(key);
  if (node == nullptr) return nullptr;
  if (!expectList(*node, reader.diagnostics())) return nullptr;
  if (node->items.empty()) {
    reader.diagnostics().error(node->path, "an empty list matches nothing; remove the key",
                               node->mark);
    return nullptr;
  }
  return node;
}

void readGlobs(MapReader& reader, std::string_view key, std::vector<std::string>& out) {
  const YamlNode* node = matcherList(reader, key);
  if (node == nullptr) return;
  for (const auto& item : node->items) {
    auto text = readString(item, reader.diagnostics());
    if (!text) continue;
    if (text->size() > 512 || !core::isValidUtf8(*text)) {
      reader.diagnostics().error(item.path, "patterns must be valid UTF-8, at most 512 bytes",
                                 item.mark);
      continue;
    }
    out.push_back(std::move(*text));
  }
}

// One reference_set item: a set name (its source_ip is looked up), or {name, field}.
void readReferenceSetItem(const YamlNode& item, std::vector<detection::ReferenceSetMatch>& out,
                          Diagnostics& diagnostics) {
  detection::ReferenceSetMatch match;
  if (item.isMap()) {
    MapReader reader(item, diagnostics);
    const YamlNode* name = reader.require("name");
    auto text = name != nullptr ? readReferenceSetName(*name, diagnostics) : std::nullopt;
    reader.choice<detection::ReferenceField>("field", match.field,
                                             {{"source_ip", detection::ReferenceField::kSourceIp},
                                              {"username", detection::ReferenceField::kUsername},
                                              {"host", detection::ReferenceField::kHost}});
    if (!text) return;
    match.name = std::move(*text);
  } else {
    auto text = readReferenceSetName(item, diagnostics);
    if (!text) return;
    match.name = std::move(*text);
  }
  out.push_back(std::move(match));
}

// `reference_set:` one item or a non-empty list of them.
void readReferenceSets(MapReader& reader, detection::ExceptionRule& rule) {
  const YamlNode* node = reader.get("reference_set");
  if (node == nullptr) return;
  Diagnostics& diagnostics = reader.diagnostics();
  if (!node->isSequence()) {
    readReferenceSetItem(*node, rule.reference_sets, diagnostics);
    return;
  }
  if (node->items.empty()) {
    diagnostics.error(node->path, "an empty list matches nothing; remove the key", node->mark);
    return;
  }
  for (const auto& item : node->items) readReferenceSetItem(item, rule.reference_sets, diagnostics);
}

void readMatch(const YamlNode& node, ExceptionSpec& spec, Diagnostics& diagnostics) {
  if (node.isNull() || (node.isMap() && node.entries.empty())) {
    // Without a matcher the exception would suppress every finding.
    diagnostics.error(node.path,
                      "an exception needs at least one matcher (source_cidr, host, user, "
                      "process, provider, domain, signal, reference_set)",
                      node.mark.line > 0 ? node.mark : node.key_mark);
    return;
  }
  MapReader reader(node, diagnostics);
  if (!node.isMap()) return;
  auto& rule = spec.rule;
  if (const YamlNode* cidrs = matcherList(reader, "source_cidr")) {
    for (const auto& item : cidrs->items) {
      auto text = readString(item, diagnostics);
      if (!text) continue;
      auto cidr = detection::Cidr::parse(*text);
      if (cidr) {
        rule.source_cidrs.push_back(*cidr);
      } else {
        diagnostics.error(item.path, "'" + core::printableExcerpt(*text) + "' is not a CIDR",
                          item.mark);
      }
    }
  }
  readGlobs(reader, "host", rule.host_globs);
  readGlobs(reader, "user", rule.user_globs);
  readGlobs(reader, "process", rule.process_globs);
  if (const YamlNode* providers = matcherList(reader, "provider")) {
    for (const auto& item : providers->items) {
      auto text = readString(item, diagnostics);
      if (!text) continue;
      spec.provider_refs.push_back({item.path, core::asciiLowered(*text), item.mark});
      rule.providers.push_back(core::asciiLowered(*text));
    }
  }
  readGlobs(reader, "domain", rule.domain_globs);
  readReferenceSets(reader, rule);
  if (const YamlNode* signals = matcherList(reader, "signal")) {
    for (const auto& item : signals->items) {
      auto text = readString(item, diagnostics);
      if (!text) continue;
      if (auto signal = detection::signalFromName(*text)) {
        rule.signals.add(*signal);
      } else {
        std::vector<std::string_view> names;
        for (int i = 0; i < detection::kSignalCount; ++i) {
          names.push_back(detection::signalName(static_cast<detection::Signal>(i)));
        }
        diagnostics.error(
            item.path,
            "'" + core::printableExcerpt(*text) + "' is not a signal; " + suggestion(*text, names),
            item.mark);
      }
    }
  }
}

ExceptionSpec readException(const YamlNode& node, Diagnostics& diagnostics) {
  ExceptionSpec spec;
  spec.path = node.path;
  MapReader reader(node, diagnostics);
  if (!node.isMap()) return spec;
  auto& rule = spec.rule;
  if (const YamlNode* id = reader.require("id")) {
    if (auto text = readString(*id, diagnostics)) {
      if (isExceptionId(*text)) {
        rule.id = *text;
      } else {
        diagnostics.error(id->path,
                          "'" + core::printableExcerpt(*text) +
                              "' is not an exception id (1-64 letters, digits, '_', '-', '.')",
                          id->mark);
      }
    }
  }
  reader.string("reason", rule.reason, /*required=*/true);
  reader.string("owner", rule.owner, /*required=*/true);
  reader.string("ticket", rule.ticket);
  if (const YamlNode* expires = reader.get("expires")) {
    if (auto text = readString(*expires, diagnostics)) {
      if (auto at = core::parseTimestamp(*text)) {
        rule.expires = *at;
      } else {
        diagnostics.error(expires->path,
                          "'" + core::printableExcerpt(*text) +
                              "' is not a date or time (like 2027-06-30 or 2027-06-30T00:00:00Z)",
                          expires->mark);
      }
    }
  }
  if (const YamlNode* match = reader.require("match")) readMatch(*match, spec, diagnostics);
  return spec;
}

}  // namespace

std::vector<ExceptionSpec> readExceptionsSection(const YamlNode& node, Diagnostics& diagnostics) {
  std::vector<ExceptionSpec> out;
  if (node.isNull()) return out;
  if (!expectList(node, diagnostics)) return out;
  std::map<std::string, std::string, std::less<>> seen;
  for (const auto& item : node.items) {
    ExceptionSpec spec = readException(item, diagnostics);
    if (!spec.rule.id.empty()) {
      const auto [it, inserted] = seen.emplace(spec.rule.id, item.path);
      if (!inserted) {
        const YamlNode* id = item.find("id");
        diagnostics.error(id->path,
                          "exception id '" + spec.rule.id + "' is already used by " + it->second,
                          id->mark);
      }
    }
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace aihunt::config
