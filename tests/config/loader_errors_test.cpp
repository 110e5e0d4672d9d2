#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "config_test_util.h"

namespace aihunt::config {
namespace {

using testing::describeAll;
using testing::load;
using testing::messageAt;

// Loads `yaml` and expects exactly one error, at `path`, with `message`.
void expectSingleError(const std::string& yaml, const std::string& path,
                       const std::string& message) {
  const LoadOutcome outcome = load(yaml);
  INFO(yaml);
  INFO(describeAll(outcome.errors));
  CHECK_FALSE(outcome.config.has_value());
  REQUIRE(outcome.errors.size() == 1);
  CHECK(outcome.errors[0].path == path);
  CHECK(outcome.errors[0].message == message);
}

TEST_CASE("each kind of error names its path exactly", "[config][errors]") {
  expectSingleError("qradar:\n  url: https://q\n  page_size: many\n", "qradar.page_size",
                    "expected an integer, found 'many'");
  expectSingleError("qradar:\n  url: https://q\n  page_size: 0\n", "qradar.page_size",
                    "must be between 1 and 100000, found 0");
  expectSingleError("qradar:\n  url: https://q\n  tls: {insecure: yes}\n", "qradar.tls.insecure",
                    "expected true or false, found 'yes'");
  expectSingleError("qradar:\n  url: https://q\n  tls: {insecure: \"false\"}\n",
                    "qradar.tls.insecure",
                    "expected true or false, found the quoted text 'false' (write it without "
                    "quotes)");
  expectSingleError("qradar:\n  url: https://q\n  timeouts: {request: 15x}\n",
                    "qradar.timeouts.request",
                    "'15x' has no unit or an unknown one (units: ms, s, m, h, d or w)");
  // A space before the unit (a trial's "10 s"): said as such, not as a missing unit.
  expectSingleError("qradar:\n  url: https://q\n  timeouts: {request: 10 s}\n",
                    "qradar.timeouts.request",
                    "'10 s' has a space before its unit: write the number and the unit together "
                    "(10s, 2m, 1h) (units: ms, s, m, h, d or w)");
  expectSingleError("qradar:\n  url: https://q\n  timeouts: {request: 10ms}\n",
                    "qradar.timeouts.request", "must be at least 1s, found '10ms'");
  expectSingleError("qradar:\n  url: https://q\n  auth: token\n", "qradar.auth",
                    "'token' is not one of: sec, basic");
  expectSingleError("qradar:\n  url: https://q\n  auth: basic\n", "qradar.username",
                    "basic auth needs a username");
  expectSingleError("qradar:\n  url: ftp://q\n", "qradar.url", "'ftp://q' is not an http(s) URL");
  // A typo in the scheme does not show the credential either.
  expectSingleError("qradar:\n  url: https//admin:SECRET-TOKEN@q\n", "qradar.url",
                    "'[hidden]@q' is not an http(s) URL");
  expectSingleError(
      "qradar:\n  url: https://q\n  proxy: http//puser:PROXYPASS@p:3128\n", "qradar.proxy",
      "'[hidden]@p:3128' is not a proxy URL (http://, https:// or socks5h://host:port)");
  expectSingleError("qradar:\n  url: https://admin:pw@q\n", "qradar.url",
                    "credentials do not belong in the URL; use AIHUNT_QRADAR_TOKEN or "
                    "qradar.token_file");
  expectSingleError("qradar:\n  url: https://q\n  api_version: 20\n", "qradar.api_version",
                    "'20' is not an API version (like \"20.0\"; quote it)");
  expectSingleError("qradar:\n  url: https://q\n  tls: [a]\n", "qradar.tls",
                    "expected a map, found a list");
  expectSingleError("hunts:\n  - name: a\n    fields: {url: 'URL\"; DROP'}\n",
                    "hunts[0].fields.url",
                    "'URL\"; DROP' is not a safe property name (letters, digits, space, '_', "
                    "'-', '.', '(', ')'; at most 128)");
  expectSingleError("hunts:\n  - name: a\n    fields: {urll: URL}\n", "hunts[0].fields.urll",
                    "unknown logical field; did you mean 'url'?");
  expectSingleError("hunts:\n  - name: a\n    signals: [large_uploads]\n", "hunts[0].signals[0]",
                    "'large_uploads' is not a signal; did you mean 'large_upload'?");
  expectSingleError("hunts:\n  - name: a\n    schedule: {every: 90s}\n", "hunts[0].schedule.every",
                    "must be whole minutes, found '90s'");
  expectSingleError("hunts:\n  - name: a\n    database: logs\n", "hunts[0].database",
                    "'logs' is not one of: events, flows");
  expectSingleError("hunts:\n  - name: a\n  - name: a\n", "hunts[1].name",
                    "hunt name 'a' is already used by hunts[0]");
  expectSingleError("hunts:\n  - enabled: true\n", "hunts[0].name", "missing required key");
  expectSingleError("hunts: {name: a}\n", "hunts", "expected a list, found a map");
  expectSingleError(
      "exceptions:\n  - {id: a, reason: r, owner: o, match: {source_cidr: [10.0.0.0/8]}}\n"
      "  - {id: b, reason: r, owner: o, match: {source_cidr: [10.0.0.0/8]}}\n"
      "  - {id: c, reason: r, owner: o, match: {source_cidr: [10.0.0.0/33]}}\n",
      "exceptions[2].match.source_cidr[0]", "'10.0.0.0/33' is not a CIDR");
  expectSingleError("exceptions:\n  - {id: a, reason: r, match: {user: [x]}}\n",
                    "exceptions[0].owner", "missing required key");
  expectSingleError("exceptions:\n  - {id: a, reason: r, owner: o, match: {provider: [openia]}}\n",
                    "exceptions[0].match.provider[0]",
                    "'openia' is not a provider id; did you mean 'openai'?");
  expectSingleError("exceptions:\n  - {id: a, reason: r, owner: o, match: {signal: [first]}}\n",
                    "exceptions[0].match.signal[0]",
                    "'first' is not a signal; expected one of: non_browser_ai_api, large_upload, "
                    "key_or_prompt_on_cmdline, ai_sdk_install, first_seen, ai_api_contact");
  expectSingleError("exceptions:\n  - {id: a, reason: r, owner: o, match: {}}\n",
                    "exceptions[0].match",
                    "an exception needs at least one matcher (source_cidr, host, user, process, "
                    "provider, domain, signal, reference_set)");
  expectSingleError("exceptions:\n  - {id: a, reason: r, owner: o, match: {host: []}}\n",
                    "exceptions[0].match.host", "an empty list matches nothing; remove the key");
  expectSingleError(
      "exceptions:\n  - {id: a, reason: r, owner: o, expires: soon, match: {user: [x]}}\n",
      "exceptions[0].expires",
      "'soon' is not a date or time (like 2027-06-30 or 2027-06-30T00:00:00Z)");
  expectSingleError(
      "exceptions:\n  - {id: a, reason: r, owner: o, match: {user: [x]}}\n"
      "  - {id: a, reason: r, owner: o, match: {user: [y]}}\n",
      "exceptions[1].id", "exception id 'a' is already used by exceptions[0]");
  expectSingleError("detection:\n  scoring: {high_at: 101}\n", "detection.scoring.high_at",
                    "must be between 0 and 100, found 101");
  expectSingleError("detection:\n  scoring: {high_at: 30}\n", "detection.scoring",
                    "severity thresholds must rise: medium_at (40) < high_at (30) < critical_at "
                    "(85)");
  expectSingleError("detection:\n  extra_providers:\n    - {id: new, hosts: [a.example.com]}\n",
                    "detection.extra_providers[0]", "new provider 'new' needs vendor and class");
  expectSingleError(
      "detection:\n  extra_providers:\n    - {id: mine, vendor: me, class: api, hosts: "
      "[api.openai.com]}\n",
      "detection.extra_providers[0].hosts[0]",
      "host 'api.openai.com' already belongs to provider 'openai'");
  expectSingleError(
      "detection:\n  extra_providers:\n    - {id: openai, vendor: anthropic, hosts: "
      "[x.example.com]}\n",
      "detection.extra_providers[0].vendor", "provider 'openai' already has vendor 'openai'");
  expectSingleError("detection:\n  extra_processes:\n    Scripts: [foo]\n",
                    "detection.extra_processes.Scripts",
                    "'Scripts' is not a process category; expected one of: ScriptRuntime, "
                    "ScriptHost, CLI_Transfer, LOLBin, AI_Client, Browser, Other");
  expectSingleError("detection:\n  extra_processes:\n    LOLBin: [{name: x, vendor: y}]\n",
                    "detection.extra_processes.LOLBin[0].vendor",
                    "vendor only applies to AI_Client processes");
  expectSingleError("detection:\n  extra_key_variables: ['MY KEY']\n",
                    "detection.extra_key_variables[0]",
                    "'MY KEY' is not an environment variable name (letters, digits, '_')");
  expectSingleError("outputs:\n  stdout: {format: xml}\n", "outputs.stdout.format",
                    "'xml' is not one of: table, json, jsonl, csv");
  expectSingleError("outputs:\n  leef: {enabled: true}\n", "outputs.leef.host",
                    "LEEF output needs a syslog host");
  expectSingleError("outputs:\n  leef: {host: h, port: 70000}\n", "outputs.leef.port",
                    "must be between 1 and 65535, found 70000");
  expectSingleError("outputs:\n  leef: {host: h, hostname: 'ws 1|x'}\n", "outputs.leef.hostname",
                    "'ws 1|x' is not a host name (letters, digits, '-', '.', '_')");
  expectSingleError("outputs:\n  leef: {host: h, hostname: '::1'}\n", "outputs.leef.hostname",
                    "'::1' is not a host name (letters, digits, '-', '.', '_')");
  // A mistyped protocol is the one error: the ca_file meant for TLS is not a second.
  expectSingleError("outputs:\n  leef: {host: h, protocol: tsl, ca_file: ca.pem}\n",
                    "outputs.leef.protocol", "'tsl' is not one of: tcp, tls");
  expectSingleError("outputs:\n  leef: {host: h, protocol: tcp, ca_file: ca.pem}\n",
                    "outputs.leef.ca_file", "ca_file only applies to protocol: tls");
  expectSingleError("outputs:\n  reference_sets: {enabled: true}\n",
                    "outputs.reference_sets.enabled", "needs a qradar: section to write to");
  expectSingleError("server: {listen: 'localhost'}\n", "server.listen",
                    "'localhost' is not host:port (like 127.0.0.1:9464 or [::]:9464)");
  expectSingleError("logging: {level: loud}\n", "logging.level",
                    "'loud' is not a log level (trace, debug, info, warn, error, off)");
  expectSingleError("state: {retention: -1d}\n", "state.retention",
                    "must be at least 1d, found '-1d'");
  expectSingleError("state: {retention: 1x}\n", "state.retention",
                    "'1x' has no unit or an unknown one (units: ms, s, m, h, d or w)");
  // Added to a time somewhere, a duration past a century would overflow it.
  expectSingleError("outputs:\n  offense_notes: {enabled: false, delay: 106751991167d}\n",
                    "outputs.offense_notes.delay",
                    "duration '106751991167d' is longer than 36500d (100 years)");
  expectSingleError("version: 2\n", "version", "must be between 1 and 1, found 2");
  // YAML reads `match_rule:` as null, not as empty text; where empty text turns a feature off,
  // the error says how to write it.
  expectSingleError("outputs:\n  offense_notes: {enabled: false, match_rule: }\n",
                    "outputs.offense_notes.match_rule",
                    "missing a value (expected text, or '' for none)");
  expectSingleError("outputs:\n  offense_notes: {enabled: false, match_description: }\n",
                    "outputs.offense_notes.match_description", "missing a value (expected text)");
  expectSingleError("outputs:\n  offense_notes: {enabled: false, match_rule: '  '}\n",
                    "outputs.offense_notes.match_rule",
                    "must not be blank ('' turns it off): it is looked for in rule names");
}

TEST_CASE("spaces at the ends of a match value are warned of, Unicode ones too",
          "[config][errors]") {
  for (const std::string value : {"' aihunt'", "'aihunt '", "\"aihunt\xC2\xA0\"",
                                  "\"\xE2\x80\x8B"
                                  "aihunt\"",
                                  "\"aihunt\xE3\x80\x80\"",
                                  "\"\xEF\xBB\xBF"
                                  "aihunt\"",
                                  "\"aihunt\xE2\x80\x8A\"", "\"aihunt\xE2\x81\x9F\""}) {
    const LoadOutcome outcome =
        load("outputs:\n  offense_notes: {enabled: false, match_rule: " + value + "}\n");
    INFO(value);
    REQUIRE(outcome.config.has_value());
    REQUIRE(outcome.warnings.size() == 1);
    CHECK(outcome.warnings[0].path == "outputs.offense_notes.match_rule");
    // Kept as given: a rule's name may hold them.
    CHECK(outcome.config->outputs.offense_notes.match_rule.size() > 6);
  }
  // Inside a value they are part of the name.
  const LoadOutcome inside =
      load("outputs:\n  offense_notes: {enabled: false, match_rule: \"ai\xC2\xA0hunt\"}\n");
  REQUIRE(inside.config.has_value());
  CHECK(inside.warnings.empty());
}

TEST_CASE("aggregate_uploads needs a URL, bytes and the large_upload signal", "[config][errors]") {
  expectSingleError("hunts:\n  - name: a\n    fields: {url: URL}\n    aggregate_uploads: true\n",
                    "hunts[0].aggregate_uploads",
                    "needs `fields.bytes_sent`: the aggregated query groups by the URL and sums "
                    "the bytes");
  expectSingleError(
      "hunts:\n  - name: a\n    fields: {bytes_sent: Bytes Sent}\n    aggregate_uploads: true\n",
      "hunts[0].aggregate_uploads",
      "needs `fields.url`: the aggregated query groups by the URL and sums the bytes");
  expectSingleError(
      "hunts:\n  - name: a\n    fields: {url: URL, bytes_sent: Bytes Sent}\n"
      "    signals: [non_browser_ai_api]\n    aggregate_uploads: true\n",
      "hunts[0].aggregate_uploads", "needs large_upload among the hunt's signals");
  expectSingleError(
      "hunts:\n  - name: a\n    fields: {url: url, bytes_sent: b}\n"
      "    aql: SELECT url, b FROM events\n    aggregate_uploads: true\n",
      "hunts[0].aggregate_uploads", "needs a generated query: not with `aql`");
  expectSingleError("hunts:\n  - name: a\n    aggregate_uploads: yes\n",
                    "hunts[0].aggregate_uploads", "expected true or false, found 'yes'");
  expectSingleError("detection:\n  large_upload_window_bytes: 0\n",
                    "detection.large_upload_window_bytes",
                    "must be between 1 and 1099511627776, found 0");
  const LoadOutcome ok = load(
      "detection:\n  large_upload_window_bytes: 5000000\nhunts:\n  - name: a\n"
      "    fields: {url: URL, bytes_sent: Bytes Sent}\n    aggregate_uploads: true\n");
  INFO(describeAll(ok.errors));
  REQUIRE(ok.config);
  CHECK(ok.config->hunts.at(0).aggregate_uploads);
  CHECK(ok.config->settings.large_upload_window_bytes == 5'000'000);
}

TEST_CASE("a qradar section may leave the URL to --qradar-url or the environment",
          "[config][errors]") {
  const LoadOutcome outcome = load("qradar:\n  max_concurrent_searches: 3\n");
  INFO(describeAll(outcome.errors));
  REQUIRE(outcome.config.has_value());
  REQUIRE(outcome.config->qradar.has_value());
  CHECK(outcome.config->qradar->url.empty());
  CHECK(outcome.config->qradar->max_concurrent_searches == 3);
}

TEST_CASE("a token key under qradar is refused with directions", "[config][errors]") {
  const LoadOutcome outcome = load("qradar:\n  url: https://q\n  token: abcdef-secret-value\n");
  REQUIRE(outcome.errors.size() == 1);
  CHECK(outcome.errors[0].path == "qradar.token");
  CHECK(outcome.errors[0].message ==
        "the QRadar token is never read from the config file; set the AIHUNT_QRADAR_TOKEN "
        "environment variable or point qradar.token_file at a file that holds it");
  CHECK(outcome.errors[0].describe().find("abcdef-secret-value") == std::string::npos);
}

TEST_CASE("unknown keys are rejected at every level", "[config][errors]") {
  struct Case {
    std::string yaml;
    std::string path;
  };
  const std::vector<Case> cases = {
      {"qradr: {}\n", "qradr"},
      {"qradar: {url: 'https://q', verify: true}\n", "qradar.verify"},
      {"qradar: {url: 'https://q', tls: {verify: true}}\n", "qradar.tls.verify"},
      {"qradar: {url: 'https://q', timeouts: {read: 1s}}\n", "qradar.timeouts.read"},
      {"hunts: [{name: a, every: 5m}]\n", "hunts[0].every"},
      {"hunts: [{name: a, schedule: {interval: 5m}}]\n", "hunts[0].schedule.interval"},
      {"detection: {extra: []}\n", "detection.extra"},
      {"detection: {scoring: {lolbins: 3}}\n", "detection.scoring.lolbins"},
      {"detection: {extra_providers: [{id: openai, hosts: [a.example.com], url: x}]}\n",
       "detection.extra_providers[0].url"},
      {"detection: {extra_processes: {AI_Client: [{name: x, vendor: y, os: z}]}}\n",
       "detection.extra_processes.AI_Client[0].os"},
      {"detection: {extra_user_agents: [{match: prefix, pattern: abc, category: Other, label: l, "
       "x: 1}]}\n",
       "detection.extra_user_agents[0].x"},
      {"exceptions: [{id: a, reason: r, owner: o, match: {user: [x]}, note: n}]\n",
       "exceptions[0].note"},
      {"exceptions: [{id: a, reason: r, owner: o, match: {users: [x]}}]\n",
       "exceptions[0].match.users"},
      {"outputs: {syslog: {}}\n", "outputs.syslog"},
      {"outputs: {stdout: {colour: true}}\n", "outputs.stdout.colour"},
      {"outputs: {jsonl: {path: x, rotate: 1d}}\n", "outputs.jsonl.rotate"},
      {"outputs: {reference_sets: {ttl: 1d}}\n", "outputs.reference_sets.ttl"},
      {"outputs: {leef: {host_name: h}}\n", "outputs.leef.host_name"},
      {"outputs: {offense_notes: {enable: true}}\n", "outputs.offense_notes.enable"},
      {"state: {file: x}\n", "state.file"},
      {"server: {port: 1}\n", "server.port"},
      {"logging: {colour: true}\n", "logging.colour"},
  };
  for (const auto& c : cases) {
    const LoadOutcome outcome = load(c.yaml);
    INFO(c.yaml);
    INFO(describeAll(outcome.errors));
    REQUIRE(outcome.errors.size() == 1);
    CHECK(outcome.errors[0].path == c.path);
    CHECK(outcome.errors[0].message.rfind("unknown key; ", 0) == 0);
    CHECK(outcome.errors[0].line > 0);
  }
  // A near miss gets a suggestion, anything else the list of keys.
  CHECK(messageAt(load("logging: {levle: info}\n").errors, "logging.levle") ==
        "unknown key; did you mean 'level'?");
  CHECK(messageAt(load("logging: {verbosity: info}\n").errors, "logging.verbosity") ==
        "unknown key; expected one of: level, format");
}

TEST_CASE("every error in a file is reported at once", "[config][errors]") {
  const LoadOutcome outcome = load(
      "qradar:\n"
      "  url: https://q\n"
      "  page_size: -1\n"
      "  token: nope\n"
      "hunts:\n"
      "  - name: a\n"
      "    fields: {url: 'a;b', bogus: x}\n"
      "    schedule: {every: 15x}\n"
      "exceptions:\n"
      "  - id: e\n"
      "    reason: r\n"
      "    match: {source_cidr: [300.1.1.1/8], provider: [nobody]}\n"
      "outputs:\n"
      "  stdout: {format: xml}\n"
      "logging: {level: loud, extra: 1}\n");
  INFO(describeAll(outcome.errors));
  CHECK_FALSE(outcome.config.has_value());
  const std::vector<std::string> paths = {"qradar.page_size",
                                          "qradar.token",
                                          "hunts[0].fields.url",
                                          "hunts[0].fields.bogus",
                                          "hunts[0].schedule.every",
                                          "exceptions[0].owner",
                                          "exceptions[0].match.source_cidr[0]",
                                          "exceptions[0].match.provider[0]",
                                          "outputs.stdout.format",
                                          "logging.level",
                                          "logging.extra"};
  CHECK(outcome.errors.size() == paths.size());
  for (const auto& path : paths) {
    INFO(path);
    CHECK(testing::messagesAt(outcome.errors, path).size() == 1);
  }
  for (const auto& error : outcome.errors) {
    INFO(error.describe());
    CHECK(error.source == "test.yaml");
    CHECK(error.line > 0);
  }
}

// Generated cases: many bad values per field, each must give exactly one error at that field.
TEST_CASE("bad values are rejected field by field", "[config][errors][generated]") {
  struct Field {
    std::string prefix;  // YAML up to the value
    std::string suffix;
    std::string path;
    std::vector<std::string> bad;
    std::vector<std::string> good;
  };
  const std::vector<std::string> not_scalars = {"[1, 2]", "{a: 1}"};
  const std::vector<Field> fields = {
      {"qradar: {url: 'https://q', page_size: ",
       "}",
       "qradar.page_size",
       {"0", "-5", "100001", "1.5", "abc", "''", "99999999999999999999999", "0x10"},
       {"1", "500", "100000"}},
      {"qradar: {url: 'https://q', max_concurrent_searches: ",
       "}",
       "qradar.max_concurrent_searches",
       {"0", "65", "two"},
       {"1", "64"}},
      {"qradar: {url: 'https://q', row_cap: ",
       "}",
       "qradar.row_cap",
       {"0", "1e6", "x"},
       {"1", "100000000"}},
      {"qradar: {url: ",
       "}",
       "qradar.url",
       {"q.example.com", "'https://'", "'http:///x'", "'https://q/?a=1'", "'https://q/#x'",
        "'https://q /'", "''"},
       {"'https://q'", "'https://q:8443/'", "'http://127.0.0.1:8080'", "'https://[::1]:443'"}},
      {"qradar: {url: 'https://q', api_version: ",
       "}",
       "qradar.api_version",
       {"20", "'v20'", "'20.'", "'.5'", "'20.0.1'", "''"},
       {"'20.0'", "19.1", "'26.10'"}},
      {"qradar: {url: 'https://q', tls: {pin_sha256: ",
       "}}",
       "qradar.tls.pin_sha256",
       {"abc", "'sha256//short='", "'sha1//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='"},
       {"'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='"}},
      {"qradar: {url: 'https://q', tls: {min_version: ",
       "}}",
       "qradar.tls.min_version",
       {"'1.1'", "1.0", "tls13"},
       {"'1.2'", "'1.3'"}},
      {"qradar: {url: 'https://q', timeouts: {connect: ",
       "}}",
       "qradar.timeouts.connect",
       {"10", "fast", "'-1s'", "1y", "''", "50ms"},
       {"1s", "100ms", "1m30s"}},
      {"hunts: [{name: ",
       "}]",
       "hunts[0].name",
       {"'a b'", "'a/b'", "''", "'" + std::string(65, 'a') + "'", "'x;y'"},
       {"a", "proxy-ai.api_1"}},
      {"hunts: [{name: a, enabled: ",
       "}]",
       "hunts[0].enabled",
       {"yes", "no", "on", "1", "'true'", "maybe"},
       {"true", "false", "True"}},
      {"hunts: [{name: a, schedule: {overlap: ",
       "}}]",
       "hunts[0].schedule.overlap",
       {"30s", "1m30s", "x"},
       {"0m", "5m", "1h"}},
      {"hunts: [{name: a, fields: {bytes_sent: ",
       "}}]",
       "hunts[0].fields.bytes_sent",
       {"'a,b'", "'a\"b'", "\"a'b\"", "' lead'", "'trail '", "'x=1'", "'é'", "''",
        "'" + std::string(129, 'x') + "'"},
       {"Bytes Sent", "'bytes_out'", "'Payload (bytes)'", "'a.b-c'"}},
      {"exceptions: [{id: e, reason: r, owner: o, match: {source_cidr: [",
       "]}}]",
       "exceptions[0].match.source_cidr[0]",
       {"10.0.0.0/33", "10.0.0/8", "'fd00::/129'", "hostname", "'10.0.0.0/'", "'1.2.3.4/-1'"},
       {"10.0.0.0/8", "10.1.2.3", "'fd00::/8'", "'::1'"}},
      {"exceptions: [{id: e, reason: r, owner: o, match: {user: [x]}, expires: ",
       "}]",
       "exceptions[0].expires",
       {"tomorrow", "'2027-13-01'", "'31/12/2027'"},
       {"'2027-06-30'", "'2027-06-30T12:00:00Z'", "'2027-06-30 12:00:00'"}},
      {"detection: {large_upload_bytes: ",
       "}",
       "detection.large_upload_bytes",
       {"0", "-1", "1MB", "1099511627777"},
       {"1", "1048576"}},
      {"detection: {extra_providers: [{id: x, vendor: v, class: api, hosts: [",
       "]}]}",
       "detection.extra_providers[0].hosts[0]",
       {"'*'", "'*.com'", "'a..b.com'", "'a b.com'", "'com.*'", "''"},
       {"llm.example.com", "'*.llm.example.com'"}},
      {"detection: {extra_providers: [{id: ",
       ", vendor: v, class: api, hosts: [a.example.com]}]}",
       "detection.extra_providers[0].id",
       {"'a b'", "''", "'x/y'"},
       {"corp", "corp_llm-2"}},
      {"detection: {extra_user_agents: [{match: prefix, category: Other, label: l, pattern: ",
       "}]}",
       "detection.extra_user_agents[0].pattern",
       {"ab", "''"},
       {"abc", "'Corp/1 x'"}},
      {"outputs: {reference_sets: {users_set: ",
       "}}",
       "outputs.reference_sets.users_set",
       {"'a;b'", "\"a'b\"", "''"},
       {"'AI users'", "ai_users"}},
      {"outputs: {leef: {host: ",
       "}}",
       "outputs.leef.host",
       {"'a b'", "'h/x'", "''"},
       {"siem.example.com", "10.0.0.1"}},
      {"outputs: {leef: {host: h, protocol: ",
       "}}",
       "outputs.leef.protocol",
       {"udp", "TLS"},
       {"tcp", "tls"}},
      {"server: {listen: ",
       "}",
       "server.listen",
       {"'127.0.0.1'", "'127.0.0.1:'", "':9464'", "'127.0.0.1:65536'", "'h:x'", "'a b:1'"},
       {"'127.0.0.1:0'", "'[::]:9464'", "'localhost:8080'"}},
      {"logging: {format: ", "}", "logging.format", {"xml", "JSON"}, {"text", "json"}},
  };
  for (const auto& field : fields) {
    std::vector<std::string> bad = field.bad;
    bad.insert(bad.end(), not_scalars.begin(), not_scalars.end());
    for (const auto& value : bad) {
      const std::string yaml = field.prefix + value + field.suffix + "\n";
      const LoadOutcome outcome = load(yaml);
      INFO(yaml);
      INFO(describeAll(outcome.errors));
      REQUIRE(outcome.errors.size() == 1);
      CHECK(outcome.errors[0].path == field.path);
      CHECK_FALSE(outcome.errors[0].message.empty());
    }
    for (const auto& value : field.good) {
      const std::string yaml = field.prefix + value + field.suffix + "\n";
      const LoadOutcome outcome = load(yaml);
      INFO(yaml);
      INFO(describeAll(outcome.errors));
      CHECK(outcome.ok());
    }
  }
}

TEST_CASE("a schedule longer than the default catch-up takes that as its catch-up",
          "[config][errors]") {
  // A review: `every: 25h` under the default 24h catch-up passed `config check` and never hunted.
  const LoadOutcome longer = load("hunts:\n  - name: a\n    schedule: {every: 25h}\n");
  INFO(describeAll(longer.errors));
  REQUIRE(longer.config);
  // Twice `every`: room for a turn that comes late, which a catch-up of one `every` would
  // record as a gap (a review).
  CHECK(longer.config->hunts.at(0).schedule.catch_up_max == std::chrono::hours(50));
  const LoadOutcome usual = load("hunts:\n  - name: a\n    schedule: {every: 1h}\n");
  REQUIRE(usual.config);
  CHECK(usual.config->hunts.at(0).schedule.catch_up_max == std::chrono::hours(24));
  const LoadOutcome day = load("hunts:\n  - name: a\n    schedule: {every: 24h}\n");
  REQUIRE(day.config);
  CHECK(day.config->hunts.at(0).schedule.catch_up_max == std::chrono::hours(48));
  expectSingleError("hunts:\n  - name: a\n    schedule: {every: 25h, catch_up_max: 24h}\n",
                    "hunts[0].schedule.catch_up_max", "must be at least the schedule's 'every'");
}

TEST_CASE("a retention shorter than a hunt's catch-up is refused: the overlap would raise twice",
          "[config][errors]") {
  // A review: after an outage of up to catch_up_max, the first window re-reads its overlap, and
  // ids forgotten by then let findings raised before the outage be raised again.
  const std::string hunts =
      "hunts:\n  - name: fast\n    schedule: {every: 5m}\n"
      "  - name: slow\n    schedule: {every: 10m, overlap: 2m, catch_up_max: 3d}\n";
  const LoadOutcome short_lived = load(hunts + "state: {retention: 3d}\n");
  INFO(describeAll(short_lived.errors));
  CHECK_FALSE(short_lived.config.has_value());
  REQUIRE(short_lived.errors.size() == 1);
  CHECK(short_lived.errors[0].path == "state.retention");
  CHECK(short_lived.errors[0].line == 6);
  // The hunt that reaches farthest back is the one named, with its reach.
  CHECK_THAT(short_lived.errors[0].message, Catch::Contains("hunt 'slow'"));
  CHECK_THAT(short_lived.errors[0].message, Catch::Contains("72h12m), found 72h"));
  CHECK_THAT(short_lived.errors[0].message, Catch::Contains("raised again"));
  CHECK(load(hunts + "state: {retention: 4d}\n").ok());
  // A hunt turned off never catches up, so it sets no floor.
  CHECK(load("hunts:\n  - name: off\n    enabled: false\n"
             "    schedule: {catch_up_max: 30d}\nstate: {retention: 2d}\n")
            .ok());
  // The defaults keep to the rule: 90 days against 24 hours.
  CHECK(load("hunts:\n  - name: a\n").ok());
}

}  // namespace
}  // namespace aihunt::config
