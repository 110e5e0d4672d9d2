// Syslog intake over real sockets (TCP newline and octet-counted, TLS, UDP; RFC 3164/5424
// headers; LEEF 1.0 and 2.0) turning into searchable events and, through the custom rule, into
// offenses; then the offense API: list with Range/filter/sort/fields, get, close, notes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "tests/emulator/emu_fixture.h"
#include "tests/emulator/raw_socket.h"
#include "tests/support/process_runner.h"
#include "tests/support/temp_dir.h"

using namespace aihunt::testing;
using nlohmann::json;

namespace {

void sendTcp(int port, const std::string& bytes) {
  const int fd = connectTcp(port);
  REQUIRE(fd >= 0);
  // Split the write to exercise framing across reads.
  const std::size_t half = bytes.size() / 2;
  CHECK(send(fd, bytes.data(), half, 0) == static_cast<ssize_t>(half));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(send(fd, bytes.data() + half, bytes.size() - half, 0) ==
        static_cast<ssize_t>(bytes.size() - half));
  close(fd);
}

void sendUdp(int port, const std::string& datagram) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  close(fd);
}

void sendTls(int port, const std::string& ca_file, const std::string& bytes) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  REQUIRE(SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr) == 1);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  const int fd = connectTcp(port);
  REQUIRE(fd >= 0);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  // SNI (SSL_set_tlsext_host_name is a macro with a C cast).
  SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
           const_cast<char*>("localhost"));
  SSL_set1_host(ssl, "localhost");
  REQUIRE(SSL_connect(ssl) == 1);
  CHECK(SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size())) ==
        static_cast<int>(bytes.size()));
  SSL_shutdown(ssl);
  SSL_free(ssl);
  close(fd);
  SSL_CTX_free(ctx);
}

std::string leef2(const std::string& src, const std::string& user) {
  return "LEEF:2.0|aihunt|aihunt|0.1|AIHUNT-T1588.007|^|src=" + src +
         "^dst=162.159.140.245^usrName=" + user +
         "^url=https://api.openai.com/v1/chat/completions^srcBytes=5000^devTime=1795715990000";
}

// Waits until the emulator has taken `frames` syslog frames.
bool waitFrames(RunningEmu& emu, std::uint64_t frames) {
  for (int i = 0; i < 200; ++i) {
    const json status = parseJson(emu.admin("GET", "/admin/status").body);
    if (status.value("syslog_frames", 0ULL) >= frames) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::vector<std::string> syslogArgs() {
  return {"--syslog-tcp-port", "0", "--syslog-tls-port", "0", "--syslog-udp-port", "0"};
}

}  // namespace

TEST_CASE("syslog over TCP, TLS and UDP becomes events and offenses") {
  RunningEmu emu(syslogArgs());
  REQUIRE(emu.ok());
  const int tcp = emu.ports()["syslog_tcp"];
  const int tls = emu.ports()["syslog_tls"];
  const int udp = emu.ports()["syslog_udp"];
  // TCP: a 5424 header, newline framing, then an octet-counted 3164 frame with LEEF 1.0.
  const std::string v1 =
      "<13>Nov 26 17:59:50 ws-eng-0412 aihunt: LEEF:1.0|aihunt|aihunt|0.1|"
      "AIHUNT-T1588.007|src=10.1.4.21\tusrName=bob\turl=https://api.anthropic.com/";
  sendTcp(tcp, "<134>1 2026-11-26T17:59:50Z ws-fin-0193 aihunt - - - " +
                   leef2("10.1.2.3", "alice") + "\n" + std::to_string(v1.size()) + " " + v1);
  sendTls(tls, emu.caFile(), leef2("10.1.2.3", "alice") + "\n");
  sendUdp(udp,
          "<134>1 2026-11-26T17:59:51Z ws-fin-0193 aihunt - - - " + leef2("10.1.2.3", "alice"));
  sendTcp(tcp, "<13>Nov 26 17:59:52 router just a plain message\n");
  REQUIRE(waitFrames(emu, 5));
  const json status = parseJson(emu.admin("GET", "/admin/status").body);
  CHECK(status["leef_events"] == 4);
  CHECK(status["other_events"] == 1);

  // The events are searchable with QRadar's normalized names. (A syslog event starts when it
  // arrives, at the fixed clock's now; a search covers [now - 10 min, now), so step past it.)
  emu.admin("POST", "/admin/clock?advance=1s");
  const json rows = emu.searchRows(
      "SELECT sourceip, username, \"URL\", \"Bytes Sent\", logsourceidentifier "
      "FROM events WHERE \"EventID\" = 'AIHUNT-T1588.007' ORDER BY username "
      "LAST 10 MINUTES");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0]["username"] == "alice");
  CHECK(rows[0]["URL"] == "https://api.openai.com/v1/chat/completions");
  CHECK(rows[0]["Bytes Sent"] == 5000);
  CHECK(rows[3]["username"] == "bob");
  CHECK(rows[3]["logsourceidentifier"] == "ws-eng-0412");

  // One open offense per source IP, event_count growing.
  const json offenses = parseJson(emu.call("GET", "/api/siem/offenses?sort=%2Bid").body);
  REQUIRE(offenses.size() == 2);
  CHECK(offenses[0]["offense_source"] == "10.1.2.3");
  CHECK(offenses[0]["event_count"] == 3);
  CHECK(offenses[0]["status"] == "OPEN");
  CHECK(offenses[0]["description"] == "AI API use by non-browser process\n");
  CHECK(offenses[0]["magnitude"] == 6);
  CHECK(offenses[0]["rules"][0]["id"] == 100001);
  CHECK(offenses[1]["offense_source"] == "10.1.4.21");
  CHECK(offenses[1]["event_count"] == 1);
}

// IBM, "Viewing event details": Start Time is when the event was received from the log source,
// Log Source Time the time the log source reports in the payload. A log source set up through
// the API takes the events whose syslog header names its identifier, and gives them its type.
TEST_CASE("a syslog event starts when it arrives; its log source and type follow the setup") {
  RunningEmu emu(syslogArgs(), adminApiConfigYaml());
  REQUIRE(emu.ok());
  const std::int64_t type_id = addLogSource(emu, "aihunt", "ws-fin-0193");
  const int tcp = emu.ports()["syslog_tcp"];
  // devTime (17:59:50) and a header time (17:59:58) from the configured host; a header time
  // alone from another host; a 3164 header, whose time has no year, from a third.
  sendTcp(tcp, "<134>1 2026-11-26T17:59:58Z ws-fin-0193 aihunt - - - " +
                   leef2("10.1.2.3", "alice") +
                   "\n<134>1 2026-11-26T17:59:40Z ws-eng-0412 aihunt - - - " +
                   "LEEF:1.0|aihunt|aihunt|0.1|AIHUNT-T1588.007|src=10.1.4.21\tusrName=bob\n" +
                   "<13>Nov 26 17:59:52 router just a plain message\n");
  REQUIRE(waitFrames(emu, 3));
  emu.admin("POST", "/admin/clock?advance=1s");  // the frames arrived at the fixed clock's now
  const json rows = emu.searchRows(
      "SELECT logsourceidentifier, starttime, devicetime, devicetype, logsourceid, "
      "LOGSOURCETYPENAME(devicetype) AS type_name, LOGSOURCENAME(logsourceid) AS source_name "
      "FROM events ORDER BY logsourceidentifier LAST 10 MINUTES");
  REQUIRE(rows.size() == 3);
  const std::int64_t arrived = 1795716000000;  // kSampleNow, 18:00:00
  for (const json& row : rows) CHECK(row["starttime"] == arrived);
  CHECK(rows[0]["logsourceidentifier"] == "router");
  CHECK(rows[0]["devicetime"] == arrived);  // no time a console would read: **unconfirmed**
  CHECK(rows[0]["devicetype"].is_null());
  CHECK(rows[1]["logsourceidentifier"] == "ws-eng-0412");
  CHECK(rows[1]["devicetime"] == 1795715980000);  // the 5424 header's 17:59:40
  CHECK(rows[1]["devicetype"].is_null());
  CHECK(rows[1]["type_name"].is_null());
  CHECK(rows[2]["logsourceidentifier"] == "ws-fin-0193");
  CHECK(rows[2]["devicetime"] == 1795715990000);  // devTime, over the header's 17:59:58
  CHECK(rows[2]["devicetype"] == type_id);
  CHECK(rows[2]["type_name"] == "aihunt");
  CHECK(rows[2]["source_name"] == "aihunt @ ws-fin-0193");
  CHECK(rows[2]["logsourceid"] != rows[1]["logsourceid"]);
}

// --log-source sets up what the API calls above would: the same objects, the same routing.
TEST_CASE("--log-source sets up a log source and its type at start") {
  std::vector<std::string> args = syslogArgs();
  for (const char* setup : {"ws-fin-0193=aihunt", "ws-eng-0412=aihunt"}) {
    args.emplace_back("--log-source");
    args.emplace_back(setup);
  }
  RunningEmu emu(args, adminApiConfigYaml());
  REQUIRE(emu.ok());
  const json types =
      parseJson(emu.call("GET", "/api/config/event_sources/log_source_management/log_source_types",
                         {}, {}, kAdminApiToken)
                    .body);
  REQUIRE(types.size() == 1);  // one type, however many sources name it
  CHECK(types[0]["name"] == "aihunt");
  sendTcp(emu.ports()["syslog_tcp"],
          "<134>1 2026-11-26T17:59:58Z ws-fin-0193 aihunt - - - " + leef2("10.1.2.3", "alice") +
              "\n<134>1 2026-11-26T17:59:58Z ws-eng-0412 aihunt - - - " +
              leef2("10.1.4.21", "bob") + "\n<134>1 2026-11-26T17:59:58Z other aihunt - - - " +
              leef2("10.1.9.9", "eve") + "\n");
  REQUIRE(waitFrames(emu, 3));
  emu.admin("POST", "/admin/clock?advance=1s");
  const json rows = emu.searchRows(
      "SELECT logsourceidentifier, devicetype, LOGSOURCETYPENAME(devicetype) AS type_name, "
      "LOGSOURCENAME(logsourceid) AS source_name FROM events ORDER BY logsourceidentifier "
      "LAST 10 MINUTES");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]["logsourceidentifier"] == "other");
  CHECK(rows[0]["type_name"].is_null());
  CHECK(rows[1]["type_name"] == "aihunt");
  CHECK(rows[1]["source_name"] == "aihunt @ ws-eng-0412");
  CHECK(rows[2]["type_name"] == "aihunt");
  CHECK(rows[2]["devicetype"] == types[0]["id"]);

  // A malformed pair is refused at start.
  RunningEmu bad({"--log-source", "no-equals-sign"});
  CHECK_FALSE(bad.ok());
}

// A rule that dispatches no event of its own (aihunt's, content/qradar/rule.yaml) names its
// offense after the event that opened it: the QID name its type's event mapping gives. Like the
// console rule it stands for, it takes only events of the aihunt type that the mapping names; a
// rule without those tests names an unmapped event's offense "Unknown" (IBM sources in
// emulator/rule_engine.h and .cpp).
TEST_CASE("an offense is named after the QID name of the event that opened it") {
  std::vector<std::string> args = syslogArgs();
  const std::string dir = makeTempDir("aihunt-qid-names-");
  const std::string rules = dir + "/rules.yaml";
  // aihunt's rule, and one without its tests for AI_API_Contact alone.
  std::ofstream(rules) << std::ifstream(sourcePath("content/qradar/rule.yaml")).rdbuf()
                       << "  - id: 100102\n    name: any contact\n    event_ids: [AI_API_Contact]\n"
                          "    index: sourceip\n";
  for (const std::string& more : {std::string("--rules"), rules, std::string("--log-source"),
                                  std::string("ws-fin-0193=aihunt"), std::string("--log-source"),
                                  std::string("ws-eng-0412=other"), std::string("--qid-map"),
                                  "aihunt=" + sourcePath("content/qradar/qid_map.txt")}) {
    args.push_back(more);
  }
  RunningEmu emu(args, adminApiConfigYaml());
  REQUIRE(emu.ok());
  // The map is the aihunt type's only.
  CHECK(parseJson(
            emu.call("GET", "/api/data_classification/qid_records", {}, {}, kAdminApiToken).body)
            .size() == 6);
  const auto event = [](const std::string& host, const std::string& event_id,
                        const std::string& category, const std::string& src) {
    return "<131>1 2026-11-26T17:59:58Z " + host + " aihunt - - - LEEF:2.0|aihunt|aihunt|0.1|" +
           event_id + "|^|cat=" + category + "^src=" + src + "^usrName=alice\n";
  };
  sendTcp(emu.ports()["syslog_tcp"],
          event("ws-fin-0193", "AI_API_NonBrowser", "AIAPIUse", "10.1.2.3") +
              event("ws-fin-0193", "AI_Key_On_CommandLine", "CredentialExposure", "10.1.2.3") +
              // No log source (so no type), another type, an unmapped category: no QID, and
              // none for aihunt's rule.
              event("other", "AI_API_NonBrowser", "AIAPIUse", "10.1.9.9") +
              event("ws-eng-0412", "AI_API_NonBrowser", "AIAPIUse", "10.1.8.8") +
              event("ws-fin-0193", "AI_API_Contact", "NotTheMappedCat", "10.1.7.7"));
  REQUIRE(waitFrames(emu, 5));
  const json offenses = parseJson(emu.call("GET", "/api/siem/offenses?sort=%2Bid").body);
  REQUIRE(offenses.size() == 2);
  // The first event names it; a second of the same source joins it under that name.
  CHECK(offenses[0]["offense_source"] == "10.1.2.3");
  CHECK(offenses[0]["event_count"] == 2);
  CHECK(offenses[0]["description"] == "aihunt: AI API used by a non-browser process\n");
  CHECK(offenses[0]["rules"].size() == 1);
  // The unmapped contact: only the rule without aihunt's tests took it.
  CHECK(offenses[1]["offense_source"] == "10.1.7.7");
  CHECK(offenses[1]["description"] == "Unknown\n");
  CHECK(offenses[1]["rules"][0]["id"] == 100102);
  // The mapped events carry their QID, which QIDNAME() names (the setup guide's check).
  emu.admin("POST", "/admin/clock?advance=1s");
  const json rows = emu.searchRows(
      "SELECT logsourceidentifier, QIDNAME(qid) AS event FROM events "
      "WHERE \"EventID\" = 'AI_API_NonBrowser' ORDER BY logsourceidentifier LAST 10 MINUTES");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0]["logsourceidentifier"] == "other");
  CHECK(rows[0]["event"].is_null());
  CHECK(rows[1]["logsourceidentifier"] == "ws-eng-0412");
  CHECK(rows[1]["event"].is_null());
  CHECK(rows[2]["event"] == "aihunt: AI API used by a non-browser process");

  // A map names its --log-source type; a malformed row is refused at start.
  const std::string map = "aihunt=" + sourcePath("content/qradar/qid_map.txt");
  CHECK_FALSE(RunningEmu({"--qid-map", map}).ok());
  CHECK_FALSE(RunningEmu({"--log-source", "h=other", "--qid-map", map}).ok());
  CHECK_FALSE(RunningEmu({"--log-source", "h=aihunt", "--qid-map",
                          sourcePath("content/qradar/qid_map.txt")})
                  .ok());
  const std::string bad_map = dir + "/bad_qid_map.txt";
  std::ofstream(bad_map) << "AI_API_Contact|AIAPIUse|no category or severity\n";
  CHECK_FALSE(RunningEmu({"--log-source", "h=aihunt", "--qid-map", "aihunt=" + bad_map}).ok());
  std::ofstream(bad_map, std::ios::trunc) << "AI_API_Contact|AIAPIUse|a name|7006|3|\n";
  CHECK_FALSE(RunningEmu({"--log-source", "h=aihunt", "--qid-map", "aihunt=" + bad_map}).ok());
}

TEST_CASE("offense API: --offense-filters documented takes only the fields marked Filterable") {
  RunningEmu emu({"--offense-filters", "documented"});
  REQUIRE(emu.ok());
  REQUIRE(emu.admin("POST", "/admin/events",
                    "{\"EventID\": \"AIHUNT-T1588.007\", \"sourceip\": \"10.9.0.1\"}\n")
              .status == 200);
  const auto listed = [&](const std::string& filter) {
    return emu.call("GET", "/api/siem/offenses?filter=" + urlEncode(filter));
  };
  // offense_source and description are Sortable only in IBM's field table; status and id are
  // Filterable, on either side of an `or`.
  for (const char* refused :
       {"offense_source=\"10.9.0.1\"", "status=\"OPEN\" and description=\"x\"",
        "id=1 or offense_source=\"10.9.0.1\""}) {
    const HttpReply reply = listed(refused);
    INFO(refused);
    CHECK(reply.status == 422);
    CHECK(parseJson(reply.body)["code"] == 1005);
  }
  CHECK(parseJson(listed("status=\"OPEN\" and id>0").body).size() == 1);
  CHECK(listed("status=\"OPEN\"").status == 200);
  // The default takes any field, as public clients filter on offense_source.
  RunningEmu any;
  REQUIRE(any.ok());
  CHECK(any.call("GET", "/api/siem/offenses?filter=" + urlEncode("offense_source=\"10.9.0.1\""))
            .status == 200);
  RunningEmu wrong({"--offense-filters", "some"});
  CHECK_FALSE(wrong.ok());
}

TEST_CASE("offense API: Range, filter, sort, fields, get, close, notes, no create") {
  RunningEmu emu;
  REQUIRE(emu.ok());
  std::string lines;
  for (int i = 0; i < 4; ++i) {
    for (int n = 0; n <= i; ++n) {
      lines += "{\"EventID\": \"AIHUNT-T1588.007\", \"sourceip\": \"10.9.0." + std::to_string(i) +
               "\"}\n";
    }
  }
  REQUIRE(emu.admin("POST", "/admin/events", lines).status == 200);
  const HttpReply ranged = emu.call("GET", "/api/siem/offenses", {"Range: items=0-1"});
  CHECK(ranged.header("content-range") == "items 0-1/4");
  CHECK(parseJson(ranged.body).size() == 2);
  const json filtered = parseJson(
      emu.call("GET", "/api/siem/offenses?filter=" + urlEncode("offense_source=\"10.9.0.2\""))
          .body);
  REQUIRE(filtered.size() == 1);
  CHECK(filtered[0]["event_count"] == 3);
  const json sorted =
      parseJson(emu.call("GET", "/api/siem/offenses?sort=-event_count&fields=id,event_count").body);
  CHECK(sorted[0]["event_count"] == 4);
  CHECK(sorted[0].size() == 2);
  CHECK(emu.call("GET", "/api/siem/offenses?sort=%2Bnosuchfield").status == 422);
  CHECK(parseJson(emu.call("GET", "/api/siem/offenses?sort=%2Bnosuchfield").body)["code"] == 1030);
  CHECK(emu.call("GET", "/api/siem/offenses?filter=" + urlEncode("id==")).status == 422);
  const int id = filtered[0]["id"];
  const std::string one = "/api/siem/offenses/" + std::to_string(id);
  CHECK(parseJson(emu.call("GET", one).body)["offense_source"] == "10.9.0.2");
  CHECK(emu.call("GET", "/api/siem/offenses/9999").status == 404);

  const json reasons = parseJson(emu.call("GET", "/api/siem/offense_closing_reasons").body);
  REQUIRE(reasons.size() >= 2);
  CHECK(emu.call("POST", one + "?status=CLOSED").status == 409);
  CHECK(emu.call("POST", one + "?status=CLOSED&closing_reason_id=999").status == 422);
  const HttpReply closed = emu.call("POST", one + "?status=CLOSED&closing_reason_id=" +
                                                std::to_string(reasons[0]["id"].get<int>()));
  CHECK(closed.status == 200);
  CHECK(parseJson(closed.body)["status"] == "CLOSED");
  CHECK(emu.call("GET", "/api/siem/offenses?filter=" + urlEncode("status=\"OPEN\""))
            .body.find("10.9.0.2") == std::string::npos);

  const HttpReply note = emu.call("POST", one + "/notes?note_text=" + urlEncode("aihunt: seen"));
  CHECK(note.status == 201);
  CHECK(parseJson(note.body)["note_text"] == "aihunt: seen");
  const json notes = parseJson(emu.call("GET", one + "/notes").body);
  REQUIRE(notes.size() == 1);
  CHECK(notes[0]["username"] == "API_user: aihunt");  // API-made notes name their author so
  CHECK(emu.call("POST", one + "/notes").status == 422);
  // The notes list takes Range and fields like other lists (IBM's notes GET reference).
  for (int i = 1; i <= 4; ++i) {
    REQUIRE(emu.call("POST", one + "/notes?note_text=n" + std::to_string(i)).status == 201);
  }
  const HttpReply page =
      emu.call("GET", one + "/notes?fields=" + urlEncode("id,note_text"), {"Range: items=1-2"});
  CHECK(page.header("content-range") == "items 1-2/5");
  const json paged = parseJson(page.body);
  REQUIRE(paged.size() == 2);
  CHECK(paged[0]["note_text"] == "n1");
  CHECK(paged[1]["note_text"] == "n2");
  CHECK(paged[0].size() == 2);  // id and note_text only
  CHECK(parseJson(emu.call("GET", one + "/notes?filter=" + urlEncode("note_text=\"n3\"")).body)
            .size() == 1);
  CHECK(emu.call("GET", "/api/siem/offenses/9999/notes").status == 404);
  CHECK(parseJson(emu.call("GET", "/api/siem/offenses/9999/notes").body)["code"] == 1002);

  const HttpReply create = emu.call("POST", "/api/siem/offenses");
  CHECK(create.status == 405);
  // A new event after closing opens a new offense for the same source.
  emu.admin("POST", "/admin/events",
            "{\"EventID\": \"AIHUNT-T1588.007\", \"sourceip\": \"10.9.0.2\"}\n");
  CHECK(parseJson(emu.call("GET", "/api/siem/offenses").body).size() == 5);
}
