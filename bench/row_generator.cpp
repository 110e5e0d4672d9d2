#include "bench/row_generator.h"

#include <array>
#include <charconv>

namespace aihunt::bench {
namespace {

struct Shape {
  const char* application;
  const char* url;
  const char* user_agent;
  const char* command_line;
  int weight;  // out of 100
};

// 20% scripts or tools reaching AI APIs, 15% browsers reaching AI sites, 65% everything else.
constexpr std::array<Shape, 10> kShapes = {{
    {"C:\\\\Python311\\\\python.exe", "https://api.openai.com/v1/chat/completions", "", "", 6},
    {"C:\\\\Windows\\\\System32\\\\curl.exe", "https://api.anthropic.com/v1/messages", "",
     "curl.exe -X POST https://api.anthropic.com/v1/messages -d @prompt.json", 4},
    {"", "https://api.openai.com/v1/models", "python-requests/2.32.3", "", 5},
    {"C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe",
     "https://contoso.openai.azure.com/openai/deployments/x", "", "", 5},
    {"C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\chrome.exe", "https://chatgpt.com/",
     "", "", 10},
    {"", "https://claude.ai/chat", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0", "", 5},
    {"C:\\\\Python311\\\\python.exe", "https://pypi.org/simple/requests/", "", "", 15},
    {"C:\\\\Windows\\\\System32\\\\svchost.exe", "https://login.microsoftonline.com/", "", "", 20},
    {"", "https://www.example.com/index.html", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", "",
     20},
    {"C:\\\\Tools\\\\securl.exe", "https://notapi.openai.com/", "", "", 10},
}};

}  // namespace

RowGenerator::RowGenerator(std::uint32_t seed) : state_(seed) {
  for (const Shape& shape : kShapes) {
    std::string row =
        std::string("{\"EventTime\":\"2026-11-26 %TIME%\",\"sourceip\":\"10.%IP%\",") +
        "\"username\":\"CORP\\\\user\",\"destinationip\":\"203.0.113.9\"," +
        "\"destinationport\":443,\"EventCategory\":\"Web Access\"," +
        "\"LogSource\":\"Bluecoat Proxy\",\"DestinationURL\":\"" + shape.url +
        "\",\"InitiatingApplication\":" +
        (shape.application[0] != 0 ? "\"" + std::string(shape.application) + "\""
                                   : std::string("null")) +
        ",\"BytesSent\":2150,\"ProcessCategory\":\"Other\"";
    if (shape.user_agent[0] != 0) row += std::string(",\"UserAgent\":\"") + shape.user_agent + "\"";
    if (shape.command_line[0] != 0) {
      row += std::string(",\"CommandLine\":\"") + shape.command_line + "\"";
    }
    row += "}\n";
    const std::size_t time_slot = row.find("%TIME%");
    const std::size_t ip_slot = row.find("%IP%");
    const Template split{row.substr(0, time_slot),
                         row.substr(time_slot + 6, ip_slot - time_slot - 6),
                         row.substr(ip_slot + 4)};
    for (int i = 0; i < shape.weight; ++i) templates_.push_back(split);
  }
}

namespace {

// Digits by hand: the generator must outrun the pipeline it feeds, and snprintf would not.
void appendTwoDigits(std::string& out, unsigned value) {
  out.push_back(static_cast<char>('0' + value / 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

void appendOctet(std::string& out, unsigned value) {
  std::array<char, 4> digits{};
  const auto written = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  out.append(digits.data(), written.ptr);
}

}  // namespace

void RowGenerator::appendRow(std::string& out) {
  // xorshift32: cheap and deterministic.
  state_ ^= state_ << 13;
  state_ ^= state_ >> 17;
  state_ ^= state_ << 5;
  const Template& row = templates_[state_ % templates_.size()];
  const auto second = static_cast<unsigned>(counter_ % 86'400);
  out.append(row.head);
  appendTwoDigits(out, second / 3600);
  out.push_back(':');
  appendTwoDigits(out, second / 60 % 60);
  out.push_back(':');
  appendTwoDigits(out, second % 60);
  out.append(row.middle);
  appendOctet(out, state_ >> 16 & 0xFF);
  out.push_back('.');
  appendOctet(out, state_ >> 8 & 0xFF);
  out.push_back('.');
  appendOctet(out, state_ & 0xFF);
  out.append(row.tail);
  ++counter_;
}

}  // namespace aihunt::bench
