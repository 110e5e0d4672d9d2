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

// Pre-filtered results (kResults): every row names an AI host or keyword, as the hunts' LIKE
// prefilter guarantees; the detection still drops browsers, lookalike hosts and command lines
// that only mention a vendor. Values are JSON text (backslashes escaped). 75 of 100 rows are
// findings: 40 proxy, 35 endpoint.
struct ResultShape {
  bool endpoint;
  const char* application;  // the proxy's initiating application, or the process image
  const char* url;
  const char* user_agent;
  const char* command_line;
  int bytes_sent;
  int weight;  // out of 100
};

constexpr std::array<ResultShape, 18> kResultShapes = {{
    // Proxy rows that are findings.
    {false, R"(C:\\Users\\jdoe\\AppData\\Local\\Programs\\Python\\Python311\\python.exe)",
     "https://api.openai.com/v1/chat/completions", "OpenAI/Python 1.54.3", "", 4180, 9},
    {false, R"(C:\\Windows\\System32\\curl.exe)", "https://api.anthropic.com/v1/messages",
     "curl/8.9.1", "", 2950, 5},
    {false, "", "https://api.openai.com/v1/embeddings", "python-requests/2.32.3", "", 1630, 6},
    {false, R"(C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe)",
     "https://contoso-eastus2.openai.azure.com/openai/deployments/gpt-4o-prod/chat/"
     "completions?api-version=2024-10-21",
     "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.4391", "", 5120,
     6},
    {false, R"(C:\\Program Files\\nodejs\\node.exe)",
     "https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-pro:generateContent?"
     "key=AIzaSyD4kQ2mN7xR1tY8vB3cZ6wL0pS5hJ9eFgU",
     "node-fetch/1.0", "", 3370, 5},
    {false, R"(/usr/lib/jvm/java-17-openjdk-amd64/bin/java)",
     "https://bedrock-runtime.us-east-1.amazonaws.com/model/"
     "anthropic.claude-3-5-sonnet-20241022-v2:0/invoke",
     "aws-sdk-java/2.25.60 Linux/6.1.0-27-amd64 OpenJDK_64-Bit_Server_VM/17.0.13", "", 7400, 4},
    {false, R"(C:\\Tools\\sync-agent.exe)", "https://api.mistral.ai/v1/files", "", "", 3145728, 3},
    {false, "", "https://api.groq.com/openai/v1/chat/completions", "Go-http-client/2.0", "", 1980,
     2},
    // Proxy rows that are not: browsers on chat portals, a lookalike host.
    {false, R"(C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe)",
     "https://chatgpt.com/backend-api/conversation", "", "", 2260, 5},
    {false, "", "https://claude.ai/api/organizations/4d1c/chat_conversations",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "", 1710,
     3},
    {false, R"(C:\\Tools\\securl.exe)", "https://notapi.openai.com.example.net/", "", "", 400, 2},
    // Endpoint rows that are findings: keys and prompts on command lines, SDK installs.
    {true, R"(C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe)", "", "",
     R"(powershell.exe -NoProfile -ExecutionPolicy Bypass -Command \"$h=@{Authorization=\\\"Bearer )"
     R"($env:OPENAI_API_KEY\\\"}; $b=Get-Content C:\\Users\\jdoe\\Documents\\q3-forecast.txt -Raw; )"
     R"(Invoke-RestMethod -Uri https://api.openai.com/v1/chat/completions -Method Post -Headers )"
     R"($h -ContentType application/json -Body (@{model='gpt-4o';messages=@(@{role='user';)"
     R"(content=$b})} | ConvertTo-Json -Depth 5)\")",
     0, 10},
    {true, R"(C:\\Users\\jdoe\\AppData\\Local\\Programs\\Python\\Python311\\python.exe)", "", "",
     R"(python.exe -c \"import openai; openai.api_key='sk-proj-4fJ9kQ2mN7xR1tY8vB3cZ6wL0pS5hJ9e'; )"
     R"(c=openai.OpenAI(api_key=openai.api_key); )"
     R"(print(c.chat.completions.create(model='gpt-4o-mini',messages=[{'role':'user',)"
     R"('content':open('notes.txt').read()}]))\")",
     0, 8},
    {true, R"(C:\\Users\\jdoe\\AppData\\Local\\Programs\\Python\\Python311\\Scripts\\pip.exe)", "",
     "",
     R"(pip.exe install --upgrade --user openai==1.54.3 tiktoken langchain-openai )"
     R"(--index-url https://pypi.org/simple --trusted-host pypi.org)",
     0, 7},
    {true, R"(/usr/bin/curl)", "", "",
     R"(curl -sS https://api.anthropic.com/v1/messages -H \"x-api-key: )"
     R"(sk-ant-api03-Zx8Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8LzXc\" -H \"anthropic-version: 2023-06-01\" )"
     R"(-H \"content-type: application/json\" -d @/home/jdoe/prompts/summarise-incident.json)",
     0, 6},
    {true, R"(C:\\Program Files\\nodejs\\node.exe)", "", "",
     R"(node.exe -e \"fetch('https://generativelanguage.googleapis.com/v1beta/models/)"
     R"(gemini-1.5-flash:generateContent?key='+process.env.GEMINI_API_KEY,{method:'POST',)"
     R"(body:require('fs').readFileSync('payload.json')}).then(r=>r.text()).then(console.log)\")",
     0, 4},
    // Endpoint rows that are not: a vendor's name in a path or a repository.
    {true, R"(C:\\Program Files\\Git\\cmd\\git.exe)", "", "",
     R"(git.exe clone --depth 1 https://github.com/openai/openai-cookbook.git )"
     R"(C:\\Users\\jdoe\\src\\openai-cookbook)",
     0, 8},
    {true, R"(C:\\Windows\\System32\\notepad.exe)", "", "",
     R"(notepad.exe C:\\Users\\jdoe\\Documents\\anthropic-contract-review-2026.txt)", 0, 7},
}};

std::string resultRow(const ResultShape& shape) {
  std::string row = std::string("{\"EventTime\":\"2026-11-26 %TIME%\",\"sourceip\":\"10.%IP%\",") +
                    "\"username\":\"CORP\\\\jdoe\",\"Hostname\":\"ws-0142.corp.example.com\",";
  if (shape.endpoint) {
    return row + "\"EventCategory\":\"Process Creation\",\"LogSource\":\"WinCollect @ ws-0142\"," +
           "\"Image\":\"" + shape.application + "\",\"CommandLine\":\"" + shape.command_line +
           "\",\"ProcessCategory\":\"Other\"}\n";
  }
  row += std::string("\"destinationip\":\"203.0.113.9\",\"destinationport\":443,") +
         "\"EventCategory\":\"Web Access\",\"LogSource\":\"Bluecoat Proxy\",\"DestinationURL\":\"" +
         shape.url + "\",\"InitiatingApplication\":" +
         (shape.application[0] != 0 ? "\"" + std::string(shape.application) + "\""
                                    : std::string("null")) +
         ",\"BytesSent\":" + std::to_string(shape.bytes_sent) + ",\"ProcessCategory\":\"Other\"";
  if (shape.user_agent[0] != 0) row += std::string(",\"UserAgent\":\"") + shape.user_agent + "\"";
  return row + "}\n";
}

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
  if (mix == Mix::kResults) {
    for (const ResultShape& shape : kResultShapes) addTemplate(resultRow(shape), shape.weight);
    return;
  }
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
