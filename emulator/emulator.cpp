#include "emulator/emulator.h"

#include <unistd.h>
#include <chrono>
#include <fstream>
#include <set>
#include <variant>

#include "aql/lookups_file.h"
#include "core/text.h"
#include "core/text_file.h"
#include "emulator/access_handlers.h"
#include "emulator/admin_handlers.h"
#include "emulator/api_versions.h"
#include "emulator/ariel_handlers.h"
#include "emulator/auth.h"
#include "emulator/cert_generator.h"
#include "emulator/classification_handlers.h"
#include "emulator/event_intake.h"
#include "emulator/http_server.h"
#include "emulator/offense_handlers.h"
#include "emulator/reference_handlers.h"
#include "emulator/request_log.h"
#include "emulator/request_parsing.h"
#include "emulator/rule_handlers.h"
#include "emulator/socket_util.h"
#include "emulator/syslog_listener.h"
#include "emulator/tls_context.h"

namespace aihunt::emulator {

struct Emulator::Parts {
  explicit Parts(const EmulatorOptions& o)
      : options(o),
        clock(o.now),
        events(static_cast<std::size_t>(std::max<std::int64_t>(o.config.max_events, 0))),
        references(clock),
        searches(o.config.ariel, clock),
        offenses(std::chrono::milliseconds(o.config.offense_delay_ms)),
        rules(o.config.rules, offenses, clock),
        intake(events, rules, classification, clock),
        requests(
            static_cast<std::size_t>(std::max<std::int64_t>(o.config.max_recorded_requests, 1))),
        auth(o.config) {}

  EmulatorOptions options;
  std::shared_ptr<spdlog::logger> logger;
  EmulatorClock clock;
  EventStore events;
  aql::LookupTables lookups;
  ReferenceDataStore references;
  SearchStore searches;
  std::unique_ptr<SearchRunner> runner;
  OffenseStore offenses;
  ClassificationStore classification;
  RuleEngine rules;
  EventIntake intake;
  FaultInjector faults;
  RequestLog requests;
  Authenticator auth;
  ApiVersionPolicy version_policy;
  Router api;
  Router admin;
  std::unique_ptr<ArielHandlers> ariel_handlers;
  std::unique_ptr<ReferenceHandlers> reference_handlers;
  std::unique_ptr<OffenseHandlers> offense_handlers;
  std::unique_ptr<ClassificationHandlers> classification_handlers;
  std::unique_ptr<HttpServer> https;
  std::unique_ptr<HttpServer> http;
  std::unique_ptr<SyslogListener> syslog;

  HttpResponse dispatch(HttpRequest& request);
  HttpResponse dispatchApi(HttpRequest& request, const std::vector<std::string>& segments);
};

namespace {

bool isFormBody(const HttpRequest& request) {
  const auto type = request.header("Content-Type");
  return type && core::istartsWith(core::trim(*type), "application/x-www-form-urlencoded");
}

// Accepted, refused (per cap) and idle-closed connections of some listeners, summed.
struct ConnectionTotals {
  std::uint64_t accepted = 0;
  std::uint64_t refused_total_cap = 0;
  std::uint64_t refused_address_cap = 0;
  std::uint64_t idle_closed = 0;

  void add(const ConnectionCounters& counters, std::uint64_t idle) {
    accepted += counters.accepted.load();
    refused_total_cap += counters.refused_total_cap.load();
    refused_address_cap += counters.refused_address_cap.load();
    idle_closed += idle;
  }
  [[nodiscard]] nlohmann::json json() const {
    return {{"accepted", accepted},
            {"refused_total_cap", refused_total_cap},
            {"refused_address_cap", refused_address_cap},
            {"idle_closed", idle_closed}};
  }
};

// {"http": {...}, "syslog": {...}} for GET /admin/status.
nlohmann::json connectionStatus(const Emulator::Parts& p) {
  ConnectionTotals http;
  for (const HttpServer* server : {p.https.get(), p.http.get()}) {
    if (server != nullptr) http.add(server->connectionCounters(), server->idleClosed());
  }
  ConnectionTotals syslog;
  if (p.syslog) syslog.add(p.syslog->connectionCounters(), p.syslog->idleClosed());
  return {{"http", http.json()}, {"syslog", syslog.json()}};
}

// The log source and type ids the loaded events and lookups already use: the setup API's new
// objects skip them (the sample's Zeek events are type 4000, where custom types start).
// --log-source: each through the store's own create calls, so that the objects are the ones the
// API would have made (and the same checks hold).
// --qid-map: a QID record and a DSM event mapping per row for a type --log-source made.
core::Status setUpQidMap(std::int64_t type_id, const std::string& type_name,
                         const std::vector<EmulatorOptions::QidMapRow>& rows,
                         ClassificationStore& classification) {
  for (const auto& row : rows) {
    const auto refusal = [&](const ApiError& refused) {
      return core::makeError(
          core::ErrorCode::kInvalidArgument,
          "--qid-map row '" + row.event_id + "' for type '" + type_name + "': " + refused.message);
    };
    auto record = classification.createQidRecord({{"log_source_type_id", type_id},
                                                  {"name", row.name},
                                                  {"description", row.name},
                                                  {"low_level_category_id", row.low_level_category},
                                                  {"severity", row.severity}});
    if (const auto* refused = std::get_if<ApiError>(&record)) return refusal(*refused);
    auto mapping = classification.createDsmEventMapping(
        {{"log_source_type_id", type_id},
         {"log_source_event_id", row.event_id},
         {"log_source_event_category", row.category},
         {"qid_record_id", std::get<nlohmann::json>(record)["id"]}});
    if (const auto* refused = std::get_if<ApiError>(&mapping)) return refusal(*refused);
  }
  return {};
}

core::Status setUpLogSources(const std::vector<EmulatorOptions::LogSourceSetup>& setups,
                             const std::vector<EmulatorOptions::QidMap>& qid_maps,
                             ClassificationStore& classification) {
  for (const auto& setup : setups) {
    std::optional<std::int64_t> type_id;
    for (const nlohmann::json& type : classification.list(ClassificationKind::kLogSourceType)) {
      if (type.value("name", "") == setup.type_name) type_id = type["id"].get<std::int64_t>();
    }
    if (!type_id) {
      auto type = classification.createLogSourceType({{"name", setup.type_name}});
      if (const auto* refused = std::get_if<ApiError>(&type)) {
        return core::makeError(core::ErrorCode::kInvalidArgument,
                               "--log-source type '" + setup.type_name + "': " + refused->message);
      }
      type_id = std::get<nlohmann::json>(type)["id"].get<std::int64_t>();
      for (const auto& map : qid_maps) {
        if (map.type_name != setup.type_name) continue;
        if (auto mapped = setUpQidMap(*type_id, setup.type_name, map.rows, classification);
            !mapped) {
          return mapped;
        }
      }
    }
    auto source = classification.createLogSource(
        {{"name", setup.type_name + " @ " + setup.identifier},
         {"type_id", *type_id},
         {"protocol_type_id", 0},
         {"enabled", true},
         {"protocol_parameters",
          nlohmann::json::array({{{"name", "identifier"}, {"value", setup.identifier}}})}});
    if (const auto* refused = std::get_if<ApiError>(&source)) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "--log-source '" + setup.identifier + "': " + refused->message);
    }
  }
  return {};
}

void reserveLoadedIds(const EventStore& events, const aql::LookupTables& lookups,
                      ClassificationStore& classification) {
  std::set<std::int64_t> types;
  std::set<std::int64_t> sources;
  for (const auto& [id, name] : lookups.log_source_type_names) types.insert(id);
  for (const auto& [id, name] : lookups.log_source_names) sources.insert(id);
  const EventSnapshot snapshot = events.snapshot();
  const auto type_field = snapshot.schema.find("devicetype");
  const auto source_field = snapshot.schema.find("logsourceid");
  snapshot.forEach([&](const aql::Event& event) {
    const auto note = [&event](std::optional<aql::FieldId> field, std::set<std::int64_t>& ids) {
      if (!field) return;
      const aql::Value& value = event.get(*field);
      if (value.kind() == aql::Value::Kind::kInt) ids.insert(value.asInt());
    };
    note(type_field, types);
    note(source_field, sources);
    return true;
  });
  classification.reserveIds(ClassificationKind::kLogSourceType, std::move(types));
  classification.reserveIds(ClassificationKind::kLogSource, std::move(sources));
}

core::Status loadEvents(EventStore& events, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::makeError(core::ErrorCode::kIo, "cannot open events file " + path);
  auto added = events.addJsonl(in);
  if (!added.ok()) return added.error().withContext(path);
  return {};
}

}  // namespace

HttpResponse Emulator::Parts::dispatchApi(HttpRequest& request,
                                          const std::vector<std::string>& segments) {
  auto who = auth.authenticate(request);
  if (auto* error = std::get_if<ApiError>(&who)) return errorResponse(*error);
  const Principal& principal = std::get<Principal>(who);
  request.user = principal.user;
  request.admin = principal.capabilities.count(Capability::kAdmin) > 0;
  const auto header = request.header("Version");
  auto served = version_policy.resolve(header ? std::optional<std::string>(std::string(*header))
                                              : std::nullopt);
  if (auto* error = std::get_if<ApiError>(&served)) return errorResponse(*error);
  const std::string version = std::get<ServedVersion>(served).version;
  auto match = api.match(request.method, segments);
  if (auto* error = std::get_if<ApiError>(&match)) return errorResponse(*error);
  const RouteMatch& route = std::get<RouteMatch>(match);
  if (!allows(principal.capabilities, route.route->capability)) {
    return errorResponse(insufficientCapabilities());
  }
  HttpResponse response = route.route->handler(request, route.params);
  if (std::get<ServedVersion>(served).deprecated) response.setHeader("Deprecated", "true");
  auto version_value = parseApiVersion(version);
  if (segments.size() > 1 && segments[1] == "reference_data" && version_value.ok() &&
      *version_value >= 26.0) {
    response.setHeader("Deprecated", "true");
  }
  return response;
}

HttpResponse Emulator::Parts::dispatch(HttpRequest& request) {
  const std::size_t question = request.target.find('?');
  if (question != std::string::npos) {
    auto query = parseQueryString(std::string_view(request.target).substr(question + 1));
    if (!query.ok()) return errorResponse(invalidParameter(query.error().message));
    request.query = std::move(*query);
  }
  if (isFormBody(request)) {
    auto form = parseQueryString(request.body);
    if (!form.ok()) return errorResponse(invalidParameter(form.error().message));
    for (auto& [key, value] : *form) request.query.emplace(key, std::move(value));
  }
  auto segments = splitPath(request.path);
  if (!segments.ok()) return errorResponse(notFound("Invalid path"));
  if (!segments->empty() && (*segments)[0] == "admin") {
    if (!auth.isAdmin(request)) {
      return errorResponse(unauthorized("The admin endpoints need the admin token in SEC"));
    }
    request.user = "admin";
    auto match = admin.match(request.method, *segments);
    if (auto* error = std::get_if<ApiError>(&match)) return errorResponse(*error);
    const RouteMatch& route = std::get<RouteMatch>(match);
    return route.route->handler(request, route.params);
  }
  return dispatchApi(request, *segments);
}

HttpResponse Emulator::handle(HttpRequest&& request) {
  Parts& p = *parts_;
  const auto started = std::chrono::steady_clock::now();
  const bool is_admin = core::istartsWith(request.path, "/admin");
  FaultDecision fault;
  if (!is_admin) fault = p.faults.onRequest(request.method, request.path);
  p.faults.hold(fault.delay);
  HttpResponse response = fault.respond ? std::move(*fault.respond) : p.dispatch(request);
  // The console has acted (a search exists); only its answer is late, or never comes.
  p.faults.hold(fault.delay_after);
  if (fault.reset_after) response.delivery = Delivery::kReset;
  if (fault.truncate) response.delivery = Delivery::kTruncate;
  if (fault.malformed_json) response.body = malformJson(response.body);
  if (!fault.names.empty()) response.fault = fault.names;
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  if (!is_admin) {
    RecordedRequest record;
    record.time = p.clock.nowMs();
    record.method = request.method;
    record.target = request.target;
    record.headers = request.headers;
    record.body = request.body;
    record.remote = request.remote;
    record.user = request.user;
    record.status = response.delivery == Delivery::kReset ? 0 : response.status;
    record.fault = response.fault;
    record.duration_us = micros;
    p.requests.record(std::move(record));
  }
  if (p.logger) {
    p.logger->debug("{} {} -> {}{}{} ({} us)", request.method,
                    core::printableExcerpt(request.target, 200), response.status,
                    response.fault.empty() ? "" : " fault=", response.fault, micros);
  }
  return response;
}

core::Result<std::unique_ptr<Emulator>> Emulator::start(const EmulatorOptions& options,
                                                        std::shared_ptr<spdlog::logger> logger) {
  auto status = validateConfig(options.config);
  if (!status.ok()) return status.error();
  if (options.http_port >= 0 && !isLoopbackAddress(options.listen_address)) {
    return core::makeError(
        core::ErrorCode::kConfig,
        "plain HTTP is only allowed on a loopback address, not " + options.listen_address);
  }
  auto parts = std::make_unique<Parts>(options);
  Parts& p = *parts;
  p.logger = std::move(logger);
  p.intake.setLogger(p.logger);
  for (const std::string& file : options.event_files) {
    auto loaded = loadEvents(p.events, file);
    if (!loaded.ok()) return loaded.error();
  }
  if (!options.lookups_file.empty()) {
    auto lookups = aql::loadLookupTables(options.lookups_file);
    if (!lookups.ok()) return lookups.error().withContext(options.lookups_file);
    p.lookups = std::move(*lookups);
  }
  reserveLoadedIds(p.events, p.lookups, p.classification);
  if (auto made = setUpLogSources(options.log_sources, options.qid_maps, p.classification); !made) {
    return made.error();
  }
  p.faults.add(options.faults);
  const std::vector<std::string> versions =
      options.config.api_versions.empty() ? defaultApiVersions() : options.config.api_versions;
  auto policy = ApiVersionPolicy::make(options.config.api_profile, versions);
  if (!policy.ok()) return policy.error();
  p.version_policy = std::move(*policy);
  SearchRunnerOptions runner_options;
  runner_options.workers = static_cast<std::size_t>(options.config.ariel.workers);
  runner_options.phase_delay = std::chrono::milliseconds(options.config.ariel.phase_delay_ms);
  runner_options.console_zone = options.config.ariel.console_timezone;
  p.runner = std::make_unique<SearchRunner>(runner_options, p.events, &p.lookups, p.classification,
                                            &p.references, p.clock);
  ArielSettings ariel_settings;
  ariel_settings.content_range_without_range = options.config.ariel.content_range_without_range;
  p.ariel_handlers = std::make_unique<ArielHandlers>(
      p.searches, *p.runner, p.events, [&p] { return p.faults.nextSearchFault(); }, ariel_settings);
  p.ariel_handlers->registerRoutes(p.api);
  p.reference_handlers = std::make_unique<ReferenceHandlers>(p.references);
  p.reference_handlers->registerRoutes(p.api);
  p.offense_handlers = std::make_unique<OffenseHandlers>(p.offenses, p.clock,
                                                         options.config.offense_filters_documented);
  p.offense_handlers->registerRoutes(p.api);
  p.classification_handlers = std::make_unique<ClassificationHandlers>(p.classification);
  p.classification_handlers->registerRoutes(p.api);
  registerRuleRoutes(p.api, p.options.config.rules);
  p.api.add("GET", "/api/help/versions", Capability::kNone,
            [&p](const HttpRequest&, const RouteParams&) {
              return jsonResponse(200, p.version_policy.helpVersions().dump());
            });
  registerAccessRoutes(p.api, options.config);
  registerAdminRoutes(
      p.admin, AdminDeps{p.requests, p.faults, p.intake, p.events, p.clock, p.searches, p.offenses,
                         [&p] { return connectionStatus(p); }});

  // TLS material: given, or generated with a CA written for clients.
  std::string chain_pem;
  std::string key_pem;
  if (!options.cert_file.empty() || !options.key_file.empty()) {
    if (options.cert_file.empty() || options.key_file.empty()) {
      return core::makeError(core::ErrorCode::kConfig, "--cert and --key go together");
    }
    auto chain = core::readTextFile(options.cert_file);
    if (!chain.ok()) return chain.error();
    auto key = core::readTextFile(options.key_file);
    if (!key.ok()) return key.error();
    chain_pem = std::move(*chain);
    key_pem = std::move(*key);
    if (!options.ca_out.empty()) {
      std::ofstream(options.ca_out, std::ios::binary) << chain_pem;
    }
  } else {
    std::vector<std::string> names;
    if (!isLoopbackAddress(options.listen_address)) names.push_back(options.listen_address);
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') names.emplace_back(host);
    auto generated = generateCertificate(names);
    if (!generated.ok()) return generated.error();
    chain_pem = generated->cert_chain_pem;
    key_pem = generated->key_pem;
    if (!options.ca_out.empty()) {
      std::ofstream out(options.ca_out, std::ios::binary | std::ios::trunc);
      out << generated->ca_pem;
      if (!out) {
        return core::makeError(core::ErrorCode::kIo, "cannot write CA file " + options.ca_out);
      }
    }
  }
  auto tls = makeServerTlsContext(chain_pem, key_pem);
  if (!tls.ok()) return tls.error();

  Parts* raw = &p;
  // The servers call back into the Emulator: make it first, then start the listeners.
  std::unique_ptr<Emulator> result(new Emulator(std::move(parts)));
  Emulator* self = result.get();
  auto bound_handler = [self](HttpRequest&& request) { return self->handle(std::move(request)); };
  const auto per_address = static_cast<std::size_t>(
      std::max<std::int64_t>(options.config.max_connections_per_address, 1));
  if (options.https_port >= 0) {
    HttpServerOptions server{options.listen_address, static_cast<std::uint16_t>(options.https_port),
                             *tls};
    server.idle_timeout = std::chrono::milliseconds(options.config.http_idle_timeout_ms);
    server.limits.max_per_address = per_address;
    auto started = HttpServer::start(server, bound_handler);
    if (!started.ok()) return started.error().withContext("HTTPS");
    raw->https = std::move(*started);
  }
  if (options.http_port >= 0) {
    HttpServerOptions server{options.listen_address, static_cast<std::uint16_t>(options.http_port),
                             nullptr};
    server.idle_timeout = std::chrono::milliseconds(options.config.http_idle_timeout_ms);
    server.limits.max_per_address = per_address;
    auto started = HttpServer::start(server, bound_handler);
    if (!started.ok()) return started.error().withContext("HTTP");
    raw->http = std::move(*started);
  }
  if (options.syslog_tcp_port >= 0 || options.syslog_tls_port >= 0 ||
      options.syslog_udp_port >= 0) {
    SyslogListenerOptions syslog;
    syslog.address = options.listen_address;
    syslog.tcp_port = options.syslog_tcp_port;
    syslog.tls_port = options.syslog_tls_port;
    syslog.udp_port = options.syslog_udp_port;
    syslog.tls = *tls;
    syslog.idle_timeout = std::chrono::milliseconds(options.config.syslog_idle_timeout_ms);
    syslog.limits.max_per_address = per_address;
    auto started =
        SyslogListener::start(syslog, [raw](std::string_view frame, const std::string& peer) {
          raw->intake.onSyslogFrame(frame, peer);
        });
    if (!started.ok()) return started.error();
    raw->syslog = std::move(*started);
  }
  return result;
}

Emulator::Emulator(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Emulator::~Emulator() { stop(); }

void Emulator::stop() {
  parts_->faults.release();  // before the connections' threads are joined
  if (parts_->https) parts_->https->stop();
  if (parts_->http) parts_->http->stop();
  if (parts_->syslog) parts_->syslog->stop();
  if (parts_->runner) parts_->runner->stop();
}

BoundPorts Emulator::ports() const {
  BoundPorts ports;
  if (parts_->https) ports.https = parts_->https->port();
  if (parts_->http) ports.http = parts_->http->port();
  if (parts_->syslog) {
    ports.syslog_tcp = parts_->syslog->tcpPort();
    ports.syslog_tls = parts_->syslog->tlsPort();
    ports.syslog_udp = parts_->syslog->udpPort();
  }
  return ports;
}

std::size_t Emulator::eventCount() const { return parts_->events.size(); }

std::string portsJson(const BoundPorts& ports, const std::string& address) {
  auto port = [](std::uint16_t value) {
    return value == 0 ? nlohmann::json(nullptr) : nlohmann::json(value);
  };
  return nlohmann::json{{"address", address},
                        {"https", port(ports.https)},
                        {"http", port(ports.http)},
                        {"syslog_tcp", port(ports.syslog_tcp)},
                        {"syslog_tls", port(ports.syslog_tls)},
                        {"syslog_udp", port(ports.syslog_udp)},
                        {"pid", static_cast<long>(getpid())}}
      .dump();
}

}  // namespace aihunt::emulator
