#include <catch2/catch.hpp>

#include <string>
#include <tuple>
#include <vector>

#include "results/row_decoder.h"

using namespace aihunt;
using detection::Event;
using detection::Field;

TEST_CASE("the decoder maps the seed's columns to logical fields") {
  results::RowDecoder decoder(detection::FieldMapping::seedDefaults());
  Event event;
  const std::string row =
      R"({"EventTime": "2026-11-26 09:14:03", "sourceip": "10.1.4.21", "destinationport": 443,
          "DestinationURL": "https://api.openai.com/v1", "InitiatingApplication": "curl.exe",
          "BytesSent": 2150, "Unmapped": {"deep": [1, 2, {"x": "y"}]}, "username": null,
          "CommandLine": "curl \"https://x\" \u00e9", "Image": ["a", "b"]})";
  REQUIRE(decoder.decode(row, event));
  CHECK(event.get(Field::kEventTime) == "2026-11-26 09:14:03");
  CHECK(event.get(Field::kSourceIp) == "10.1.4.21");
  CHECK(event.destination_port == 443);
  CHECK(event.get(Field::kDestinationPort) == "443");
  CHECK(event.bytes_sent == 2150);
  CHECK(event.get(Field::kUsername).empty());
  CHECK(event.get(Field::kCommandLine) == "curl \"https://x\" \xC3\xA9");
  CHECK(event.get(Field::kImage) == R"(["a", "b"])");
  CHECK_FALSE(event.event_time_ms.has_value());
}

TEST_CASE("a port outside 0-65535 or a negative byte count is no value") {
  results::RowDecoder decoder(detection::FieldMapping::seedDefaults());
  Event event;
  for (const auto& [port, bytes, port_kept, bytes_kept] :
       std::vector<std::tuple<std::string, std::string, bool, bool>>{
           {"0", "0", true, true},
           {"65535", "\"9\"", true, true},
           {"65536", "-1", false, false},
           {"-1", "-5", false, false},
           {"\"70000\"", "9223372036854775807", false, true}}) {
    INFO(port << " " << bytes);
    REQUIRE(decoder.decode(R"({"destinationport": )" + port + R"(, "BytesSent": )" + bytes + "}",
                           event));
    CHECK(event.destination_port.has_value() == port_kept);
    CHECK(event.bytes_sent.has_value() == bytes_kept);
  }
}

TEST_CASE("numeric times and numbers as strings") {
  detection::FieldMapping mapping;
  mapping.setColumn(Field::kEventTime, "starttime");
  mapping.setColumn(Field::kBytesSent, "Bytes Sent");
  results::RowDecoder decoder(mapping);
  Event event;
  REQUIRE(decoder.decode(R"({"starttime": 1795692188000, "Bytes Sent": "7340032"})", event));
  CHECK(event.event_time_ms == 1795692188000);
  CHECK(event.bytes_sent == 7340032);
  REQUIRE(decoder.decode(R"({"starttime": 1.5E3, "Bytes Sent": "not a number"})", event));
  CHECK(event.event_time_ms == 1500);
  CHECK_FALSE(event.bytes_sent.has_value());
}

// Nesting depth is the splitter's check (row_splitter_test), before any row is decoded.
TEST_CASE("malformed rows are errors") {
  results::RowDecoder decoder(detection::FieldMapping::seedDefaults());
  Event event;
  for (const std::string& bad :
       {std::string(R"({"sourceip": "10.0.0.1")"), std::string(R"({"sourceip": })"),
        // (Text that is not UTF-8 is read with U+FFFD in its place: row_repair_test.cpp.)
        std::string("{\"sourceip\": \"\x01\"}"), std::string("{\"sourceip\": \"\\x\"}"),
        std::string(R"([1, 2])"), std::string(R"({"a": 1} {"b": 2})"),
        std::string(R"({"sourceip": "a" "b"})"), std::string("")}) {
    INFO(bad);
    const auto status = decoder.decode(bad, event);
    REQUIRE_FALSE(status);
    CHECK(status.error().message.rfind("malformed row: ", 0) == 0);
  }
}

TEST_CASE("rows larger than the parser's first allocation decode") {
  results::RowDecoder decoder(detection::FieldMapping::seedDefaults());
  Event event;
  const std::string big(300 * 1024, 'x');
  REQUIRE(decoder.decode("{\"CommandLine\": \"" + big + "\"}", event));
  CHECK(event.get(Field::kCommandLine).size() == big.size());
}

TEST_CASE("watched columns the rows hold are listed once, in order, read or not") {
  for (const auto path :
       {results::DecodePath::kFastWhenFlat, results::DecodePath::kFullParserOnly}) {
    results::RowDecoder decoder(detection::FieldMapping::seedDefaults(), path);
    decoder.watchUnread({"URL", "x\"q", "DestinationURL", "magnitude", "Never"});
    Event event;
    // Two row shapes, each seen many times; past 300 unwatched columns, a watched one is still
    // seen (keys past the remembered positions take the same path on every row).
    std::string wide = "{";
    for (int i = 0; i < 300; ++i) wide += "\"c" + std::to_string(i) + "\":1,";
    wide += R"("magnitude": 5})";
    for (int i = 0; i < 50; ++i) {
      REQUIRE(decoder.decode(R"({"URL": "https://a", "sourceip": "10.0.0.1", "x\"q": 1})", event));
      REQUIRE(decoder.decode(R"({"DestinationURL": "https://a", "URL": null})", event));
      REQUIRE(decoder.decode(wide, event));
    }
    CHECK(decoder.watchedSeen() ==
          std::vector<std::string>{"URL", "x\"q", "DestinationURL", "magnitude"});
    CHECK(decoder.unreadColumns() == std::vector<std::string>{"URL", "x\"q", "magnitude"});
  }
}

TEST_CASE("a mapped column is read in any case; other spellings are named, not read") {
  // A newcomer's trial: `DestinationUrl` and `commandline` columns went unread under a mapping
  // of `DestinationURL` and `CommandLine`, and findings dropped without a word.
  detection::FieldMapping mapping;
  mapping.setColumn(Field::kUrl, "DestinationURL");
  mapping.setColumn(Field::kCommandLine, "CommandLine");
  mapping.setColumn(Field::kUserAgent, "User Agent");
  mapping.setColumn(Field::kHost, "host");
  mapping.setColumn(Field::kDestHost, "Host");
  for (const auto path :
       {results::DecodePath::kFastWhenFlat, results::DecodePath::kFullParserOnly}) {
    results::RowDecoder decoder(mapping, path);
    // Our logical names are read only as they are: `URL` is a raw event's name.
    decoder.alsoRead("application", Field::kApplication);
    decoder.watchUnread({"CommandLine", "DestinationURL"});
    Event event;
    REQUIRE(decoder.decode(R"({"destinationurl": "https://a", "commandline": "curl x",
                               "USER AGENT": "python-requests/2", "HOST": "h1",
                               "Application": "curl.exe"})",
                           event));
    CHECK(event.get(Field::kUrl) == "https://a");
    CHECK(event.get(Field::kCommandLine) == "curl x");
    CHECK(event.get(Field::kUserAgent) == "python-requests/2");
    CHECK(event.get(Field::kApplication).empty());
    // `host` and `Host` name two fields: `HOST` is read as neither.
    CHECK(event.get(Field::kHost).empty());
    CHECK(event.get(Field::kDestHost).empty());
    REQUIRE(decoder.decode(R"({"host": "h1", "Host": "h2", "DestinationURL": "https://b",
                               "Command Line": "curl y"})",
                           event));
    CHECK(event.get(Field::kHost) == "h1");
    CHECK(event.get(Field::kDestHost) == "h2");
    CHECK(event.get(Field::kUrl) == "https://b");
    CHECK(event.get(Field::kCommandLine).empty());
    // Each spelling a row holds is listed as the row has it; only `Command Line` was not read.
    CHECK(decoder.watchedSeen() == std::vector<std::string>{"destinationurl", "commandline",
                                                            "DestinationURL", "Command Line"});
    CHECK(decoder.unreadColumns() == std::vector<std::string>{"Command Line"});
  }
}
