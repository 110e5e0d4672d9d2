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

// Process creation: 20% AI use on the command line (API calls with keys, SDK one-liners,
// installs), 80% ordinary processes, many with long command lines.
struct ProcessShape {
  const char* image;
  const char* command_line;
  int weight;  // out of 100
};

constexpr std::array<ProcessShape, 13> kProcessShapes = {{
    {"C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe",
     "powershell.exe -NoProfile -Command Invoke-RestMethod -Uri "
     "https://api.openai.com/v1/chat/completions -Method Post -Headers @{Authorization=\\\"Bearer "
     "$env:OPENAI_API_KEY\\\"} -Body (Get-Content prompt.json -Raw)",
     5},
    {"C:\\\\Python311\\\\python.exe",
     "python.exe -c \\\"import openai; openai.api_key='sk-proj-4fJ9kQ2mN7xR1tY8vB3cZ6wL0pS5'; "
     "print(openai.models.list())\\\"",
     4},
    {"C:\\\\Python311\\\\Scripts\\\\pip.exe", "pip.exe install --upgrade openai==1.54.3 tiktoken",
     4},
    {"C:\\\\Windows\\\\System32\\\\curl.exe",
     "curl.exe -s https://api.anthropic.com/v1/messages -H \\\"x-api-key: "
     "sk-ant-api03-Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz\\\" -d @C:\\\\Temp\\\\q.json",
     4},
    {"C:\\\\Program Files\\\\nodejs\\\\node.exe",
     "node.exe -e \\\"fetch('https://generativelanguage.googleapis.com/v1beta/models')\\\"", 3},
    {"C:\\\\Windows\\\\System32\\\\svchost.exe", "svchost.exe -k netsvcs -p -s Schedule", 15},
    {"C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\chrome.exe",
     "chrome.exe --type=renderer --field-trial-handle=1840,i,2238412512617373951,"
     "8801542012279129134,262144 --lang=en-US --device-scale-factor=1 --num-raster-threads=4 "
     "--enable-main-frame-before-activation --renderer-client-id=7 "
     "--mojo-platform-channel-handle=3412",
     15},
    {"C:\\\\Windows\\\\System32\\\\cmd.exe", "cmd.exe /c dir C:\\\\Users\\\\Public /s /b", 10},
    {"C:\\\\Program Files\\\\Git\\\\cmd\\\\git.exe", "git.exe fetch origin --prune --tags", 10},
    {"C:\\\\Windows\\\\System32\\\\msiexec.exe",
     "msiexec.exe /i C:\\\\Temp\\\\setup.msi /qn /norestart", 5},
    {"C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe",
     "powershell.exe -NoProfile -ExecutionPolicy Bypass -Command Get-ChildItem C:\\\\Logs "
     "-Recurse | Where-Object LastWriteTime -lt (Get-Date).AddDays(-30) | Remove-Item",
     10},
    {"C:\\\\Python311\\\\python.exe", "python.exe manage.py runserver 0.0.0.0:8000 --noreload", 10},
    {"C:\\\\Windows\\\\System32\\\\conhost.exe", "conhost.exe 0xffffffff -ForceV1", 5},
}};

std::string proxyRow(const Shape& shape) {
  std::string row = std::string("{\"EventTime\":\"2026-11-26 %TIME%\",\"sourceip\":\"10.%IP%\",") +
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
  return row + "}\n";
}

std::string processRow(const ProcessShape& shape) {
  return std::string("{\"EventTime\":\"2026-11-26 %TIME%\",\"sourceip\":\"10.%IP%\",") +
         "\"username\":\"CORP\\\\user\",\"EventCategory\":\"Process Creation\"," +
         "\"LogSource\":\"WinCollect @ ws-0142\",\"InitiatingApplication\":\"" + shape.image +
         "\",\"CommandLine\":\"" + shape.command_line + "\",\"ProcessCategory\":\"Other\"}\n";
}

}  // namespace

void RowGenerator::addTemplate(const std::string& row, int weight) {
  const std::size_t time_slot = row.find("%TIME%");
  const std::size_t ip_slot = row.find("%IP%");
  const Template split{row.substr(0, time_slot), row.substr(time_slot + 6, ip_slot - time_slot - 6),
                       row.substr(ip_slot + 4)};
  for (int i = 0; i < weight; ++i) templates_.push_back(split);
}

RowGenerator::RowGenerator(std::uint32_t seed, Mix mix) : state_(seed) {
  if (mix == Mix::kEndpoint) {
    for (const ProcessShape& shape : kProcessShapes) addTemplate(processRow(shape), shape.weight);
    return;
  }
  for (const Shape& shape : kShapes) addTemplate(proxyRow(shape), shape.weight);
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
