#include "detection/analyzer.h"

#include <algorithm>

#include "core/digest.h"
#include "core/secret_scan.h"
#include "core/text.h"
#include "core/utf8_excerpt.h"
#include "detection/cmdline_indicators.h"
#include "detection/host.h"
#include "detection/request_facts.h"

namespace aihunt::detection {
namespace {

constexpr std::size_t kEvidenceBytes = 512;

bool isNonBrowserProgram(ProcessCategory category) {
  return category == ProcessCategory::kScriptRuntime || category == ProcessCategory::kScriptHost ||
         category == ProcessCategory::kCliTransfer || category == ProcessCategory::kLolbin;
}

// "https://user:secret@host/x?key=AIza..." -> "https://host/x?key=[REDACTED]", into `out`
// (a reused finding's string: no allocation for the URLs that hold no secret, which is most).
void redactUrlInto(std::string& out, std::string_view url) {
  out.assign(url);
  if (out.empty()) return;
  const std::size_t scheme = out.find("://");
  const std::size_t authority = scheme == std::string::npos ? 0 : scheme + 3;
  std::size_t path = authority;  // a loop: find_first_of calls memchr once per character
  while (path < out.size() && out[path] != '/' && out[path] != '?' && out[path] != '#') ++path;
  const std::size_t at = out.rfind('@', path);
  if (at != std::string::npos && at >= authority && at < path) {
    const std::string_view userinfo = std::string_view(out).substr(authority, at - authority);
    const std::size_t backslash = userinfo.find('\\');
    if (backslash == std::string_view::npos) {
      out.erase(authority, at + 1 - authority);
    } else {
      // A browser ends the host at the backslash (WHATWG URL): in
      // "https://api.openai.com\\@evil.example/" the request goes to api.openai.com, which the
      // url must keep naming, as the domain does. Yet "CORP\\alice:pw@host" (a proxy's
      // DOMAIN\\user) and "alice:p\\w@host" hold a password, redacted in place.
      const std::size_t secret = core::userinfoSecretStart(userinfo);
      if (secret != std::string_view::npos) {
        out.replace(authority + secret, at - (authority + secret), "[REDACTED]");
      }
    }
  }
  if (const auto spans = core::findSecretSpans(out); !spans.empty()) {
    out = core::redactSpans(out, spans);
  }
  // Also without a scheme ("api.openai.com/v1?key=..."), which the scanner's URL rule needs.
  const std::size_t query = out.find_first_of("?#");
  if (query == std::string::npos) return;
  std::vector<core::SecretSpan> parameters;
  core::credentialParameterSpans(out, query, out.size(), parameters);
  if (!parameters.empty()) out = core::redactSpans(out, parameters);
}

void excerptInto(std::string& out, std::string_view text, std::size_t max_bytes);

// False when the event has a time that is not one. The text is then kept as it is (cut to 64
// bytes on a character boundary): JSON carries it exactly, and each text output sanitises it,
// as every other field of the event.
bool eventTimeInto(std::string& out, const Event& event) {
  if (event.event_time_ms) {
    core::formatIso8601Into(out, *event.event_time_ms);
    return true;
  }
  const std::string_view raw = event.get(Field::kEventTime);
  if (raw.empty()) {
    out.clear();
    return true;
  }
  const auto parsed = core::parseTimestamp(raw);
  if (parsed) {
    core::formatIso8601Into(out, *parsed);
    return true;
  }
  excerptInto(out, raw, 64);
  return false;
}

// core::utf8Excerpt into `out`: the value as it is (each output escapes it for itself; a tab
// turned into a space changed the JSON's `application`: a newcomer's trial), cut to a size.
// ASCII that fits (nearly every process path) is copied into the reused storage as it is, which
// is what the excerpt would be.
void excerptInto(std::string& out, std::string_view text, std::size_t max_bytes) {
  bool plain = text.size() <= max_bytes;
  for (std::size_t i = 0; i < text.size() && plain; ++i) {
    plain = static_cast<unsigned char>(text[i]) < 0x80;
  }
  if (plain) {
    out.assign(text);
  } else {
    out = core::utf8Excerpt(text, max_bytes);
  }
}

// Names QRadar looks up from an id at query time (LOGSOURCENAME, LOGSOURCETYPENAME,
// QIDNAME/CATEGORYNAME) and the seed query's CASE label, computed from other fields. They stay
// out of a finding's id: an administrator renaming a log source, or an offline hunt run without
// --lookups, would otherwise give the same event a new id, and the ledger would raise it again.
constexpr bool isLookupName(std::size_t field) {
  return field == static_cast<std::size_t>(Field::kLogSource) ||
         field == static_cast<std::size_t>(Field::kLogSourceType) ||
         field == static_cast<std::size_t>(Field::kEventCategory) ||
         field == static_cast<std::size_t>(Field::kProcessCategoryHint);
}

void stableFindingId(core::Sha256& digest, std::string_view hunt, const Event& event,
                     std::string& out) {
  digest.field(hunt);
  // Every field of the event itself that tells two events apart; event_time_ms covers numeric
  // times.
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    if (!isLookupName(i)) digest.field(event.values[i]);
  }
  digest.field(event.event_time_ms ? std::to_string(*event.event_time_ms) : std::string());
  digest.hexInto(out, kFindingIdHexChars);
}

}  // namespace

Analyzer::Analyzer(const DetectionSettings& settings, std::string hunt, SignalSet enabled)
    : settings_(settings),
      cmdline_(settings.cmdline),
      evidence_(settings.cmdline),
      hunt_(std::move(hunt)),
      enabled_(enabled),
      suppressor_(settings.exceptions) {}

std::optional<Finding> Analyzer::analyze(const Event& event, core::EpochMs now) {
  Finding finding;
  if (!analyze(event, now, finding)) return std::nullopt;
  return finding;
}

bool Analyzer::analyze(const Event& event, core::EpochMs now, Finding& finding) {
  if (isOwnEvent(settings_, event)) {
    ++stats_.own_events_skipped;
    return false;
  }
  ++stats_.events;

  // Process: the application or image's base name; the user agent when there is no process.
  classifyClient(settings_, event, client_);
  const ProcessCategory category = client_.category;
  if (category == ProcessCategory::kBrowser) {
    ++stats_.browser_events_skipped;
    return false;
  }

  // Provider: the network fields first, then a host named on the command line.
  const ProviderHit hit = networkProvider(settings_.providers, event);
  const Provider* provider = hit.provider;
  std::string_view domain = hit.domain;

  SignalSet signals;
  std::string_view evidence_text;
  bool evidence_names_key_variable = false;
  for (const Field field : {Field::kCommandLine, Field::kScriptText}) {
    const std::string_view text = event.get(field);
    if (text.empty()) continue;
    const ProviderCatalog::TextMatch named = settings_.providers.findInText(text);
    if (named.provider != nullptr && provider == nullptr) {
      provider = named.provider;
      domain = named.host;
    }
    const CommandLineFacts facts = cmdline_.examine(text);
    if (named.provider != nullptr || facts.key_variable || facts.sdk_with_key ||
        facts.api_key_token) {
      signals.add(Signal::kKeyOrPromptOnCmdline);
      if (evidence_text.empty()) {
        evidence_text = text;
        evidence_names_key_variable = facts.key_variable;
      }
    }
    if (facts.sdk_install) {
      signals.add(Signal::kAiSdkInstall);
      if (evidence_text.empty()) {
        evidence_text = text;
        evidence_names_key_variable = facts.key_variable;
      }
    }
  }
  if (cmdline_.isSdkPath(event.get(Field::kTargetFile))) signals.add(Signal::kAiSdkInstall);

  if (provider != nullptr) {
    const bool own_vendor_client = category == ProcessCategory::kAiClient &&
                                   !client_.vendor.empty() && client_.vendor == provider->vendor;
    // A program outside the catalog (a custom tool, a runtime renamed to pass for something
    // else) reaching an API host is programmatic use too, and renaming python.exe must not be a
    // way around detection. Only an API host its network fields name: desktop applications
    // open chat portals, and a host in an argument is not a request.
    const bool other_program_api = category == ProcessCategory::kOther && hit.provider != nullptr &&
                                   hit.provider->provider_class == ProviderClass::kApi;
    if (isNonBrowserProgram(category) || other_program_api ||
        (category == ProcessCategory::kAiClient && !own_vendor_client)) {
      signals.add(Signal::kNonBrowserAiApi);
    } else if (category == ProcessCategory::kUnknown &&
               provider->provider_class == ProviderClass::kApi) {
      signals.add(Signal::kAiApiContact);
    }
    if (event.bytes_sent && *event.bytes_sent >= settings_.large_upload_bytes) {
      signals.add(Signal::kLargeUpload);
    }
  }
  signals = signals.intersection(enabled_);
  if (signals.empty()) return false;

  // Assigned field by field, so that a reused Finding keeps its strings' storage.
  finding.hunt = hunt_;
  stableFindingId(digest_, hunt_, event, finding.finding_id);
  if (!eventTimeInto(finding.event_time, event)) ++stats_.unreadable_event_times;
  finding.source_ip = event.get(Field::kSourceIp);
  finding.username = event.get(Field::kUsername);
  finding.host = event.get(Field::kHost);
  finding.destination_ip = event.get(Field::kDestinationIp);
  finding.destination_port = event.destination_port;
  redactUrlInto(finding.url, event.get(Field::kUrl));
  finding.domain = domain;
  core::asciiLowerInPlace(finding.domain);
  while (!finding.domain.empty() && finding.domain.back() == '.') finding.domain.pop_back();
  if (provider != nullptr) {
    finding.provider = provider->id;
  } else {
    finding.provider.clear();
  }
  if (client_.process_seen.empty()) {
    finding.application = client_.agent_label;
  } else {
    excerptInto(finding.application, client_.process_seen, 260);
  }
  finding.process_name = client_.process_name.empty() ? client_.agent_label : client_.process_name;
  finding.process_category = category;
  finding.bytes_sent = event.bytes_sent;
  finding.signals = signals;
  finding.log_source = event.get(Field::kLogSource);
  finding.event_category = event.get(Field::kEventCategory);
  finding.evidence.clear();
  if (!evidence_text.empty()) {
    finding.evidence = evidence_.redact(evidence_text, kEvidenceBytes, evidence_names_key_variable);
  }
  const Score score = scoreFinding(settings_.scoring, signals, category, provider);
  finding.risk_score = score.risk;
  finding.severity = score.severity;

  suppressor_.apply(finding, client_.process_seen, now, stats_);
  return true;
}

}  // namespace aihunt::detection
