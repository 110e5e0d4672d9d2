// A simulated day of QRadar-shaped raw events for `aihunt run` against qradar-emu
// (bench/daemon_bench.sh). The shapes are those of content/samples/events.jsonl: proxy/NGFW
// (URL, User Agent, Bytes Sent), Sysmon 3 and 22 (Application, Process Path, Destination Host
// Name, DNS Query Name), Sysmon 1 / Security 4688 (Process CommandLine), Sysmon 11 (Target
// Filename), PowerShell 4104 (Script Block Text), auditd and Linux agents (devicetype 11), and
// Zeek TLS/DNS (devicetype 4000). N events are spread over the 24 hours before --now (minus the
// daemon's one-minute delay), weighted towards working hours, and written sorted by starttime.
//
// The store stands for what Ariel's prefilter returns plus a little of the rest: in each family
// about 60% are browsers or ordinary clients reaching AI sites (rows read, no finding), 25%
// scripts, CLIs and LOLBins reaching AI APIs (findings), 5% lookalike hosts that pass the LIKE
// prefilter and are rejected by the classification, and 10% unrelated traffic that the prefilter
// drops. Deterministic for a given --seed.
//
//   daemon_day_events --events 1000000 --now 2026-11-26T18:00:00Z --out day.jsonl
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace {

// splitmix64: small, fast, deterministic.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31U);
  }
  std::uint64_t below(std::uint64_t n) { return next() % n; }
  double unit() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }
  template <typename T, std::size_t N>
  const T& pick(const std::array<T, N>& items) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

void appendEscaped(std::string& out, std::string_view text) {
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
}

// One event being written: {"starttime": ..., then fields, then }.
class Event {
 public:
  explicit Event(std::string& out) : out_(out) {}
  Event& num(std::string_view key, long long value) {
    key_(key);
    out_ += std::to_string(value);
    return *this;
  }
  Event& str(std::string_view key, std::string_view value) {
    key_(key);
    out_ += '"';
    appendEscaped(out_, value);
    out_ += '"';
    return *this;
  }
  Event& null(std::string_view key) {
    key_(key);
    out_ += "null";
    return *this;
  }
  void end() { out_ += "}\n"; }

 private:
  void key_(std::string_view key) {
    out_ += first_ ? "{\"" : ", \"";
    first_ = false;
    out_ += key;
    out_ += "\": ";
  }
  std::string& out_;
  bool first_ = true;
};

constexpr std::array<std::string_view, 10> kApiHosts = {"api.openai.com",
                                                        "api.anthropic.com",
                                                        "generativelanguage.googleapis.com",
                                                        "api.mistral.ai",
                                                        "api.groq.com",
                                                        "openrouter.ai",
                                                        "contoso-gpt.openai.azure.com",
                                                        "api.cohere.com",
                                                        "api.deepseek.com",
                                                        "bedrock-runtime.eu-west-1.amazonaws.com"};
constexpr std::array<std::string_view, 6> kApiPaths = {
    "/v1/chat/completions", "/v1/messages",  "/v1beta/models/gemini-1.5-pro:generateContent",
    "/v1/embeddings",       "/v1/responses", "/openai/deployments/gpt-4o/chat/completions"};
constexpr std::array<std::string_view, 7> kWebHosts = {
    "chatgpt.com",       "claude.ai",       "gemini.google.com", "copilot.microsoft.com",
    "www.perplexity.ai", "chat.mistral.ai", "chat.deepseek.com"};
constexpr std::array<std::string_view, 4> kWebPaths = {
    "/backend-api/conversation", "/api/organizations/7c1e/chat_conversations/",
    "/_/BardChatUi/data/batchexecute", "/c/"};
constexpr std::array<std::string_view, 4> kLookalikes = {
    "api.openai.com.evil.example", "notapi.openai.com", "claude.ai-login.example.net",
    "chatgpt.com.cdn-edge.example"};
constexpr std::array<std::string_view, 6> kUnrelatedHosts = {
    "www.example.com", "login.microsoftonline.com", "teams.microsoft.com", "github.com",
    "pypi.org",        "update.googleapis.com"};
constexpr std::array<std::string_view, 5> kBrowserAgents = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
    "Safari/537.36"};
struct Tool {
  std::string_view agent;
  std::string_view application;  // as the proxy logs it, may be empty
};
constexpr std::array<Tool, 9> kTools = {{
    {"python-requests/2.32.3", "python.exe"},
    {"OpenAI/Python 1.54.3", "python.exe"},
    {"Anthropic/Python 0.39.0", ""},
    {"curl/8.9.1", "curl.exe"},
    {"Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.4894",
     "powershell.exe"},
    {"node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "node.exe"},
    {"Go-http-client/2.0", ""},
    {"axios/1.7.7", "node.exe"},
    {"OpenAI/JS 4.73.0", ""},
}};
constexpr std::array<std::string_view, 5> kBrowserImages = {
    R"x(C:\Program Files\Google\Chrome\Application\chrome.exe)x",
    R"x(C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe)x",
    R"x(C:\Program Files\Mozilla Firefox\firefox.exe)x",
    R"x(C:\Program Files\Google\Chrome\Application\chrome.exe)x",
    R"x(C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe)x"};
constexpr std::array<std::string_view, 7> kToolImages = {
    R"x(C:\Users\{u}\AppData\Local\Programs\Python\Python311\python.exe)x",
    R"x(C:\Windows\System32\curl.exe)x",
    R"x(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)x",
    R"x(C:\Program Files\nodejs\node.exe)x",
    R"x(C:\Windows\System32\mshta.exe)x",
    R"x(C:\Program Files\PowerShell\7\pwsh.exe)x",
    R"x(C:\Windows\System32\rundll32.exe)x"};
constexpr std::array<std::string_view, 4> kUnrelatedImages = {
    R"(C:\Windows\System32\svchost.exe)", R"(C:\Program Files\Notepad++\notepad++.exe)",
    R"x(C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE)x",
    R"x(C:\Windows\System32\OneDriveSetup.exe)x"};
constexpr std::array<std::string_view, 8> kAiCommandLines = {
    R"x(curl.exe -X POST https://api.openai.com/v1/chat/completions -H "Authorization: Bearer sk-proj-{k}" -H "Content-Type: application/json" -d "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"summarise the attached quarterly figures\"}]}")x",
    R"x(python.exe -c "import openai; openai.api_key='sk-proj-{k}'; print(openai.models.list())")x",
    R"x(powershell.exe -NoProfile -Command "Invoke-RestMethod -Uri https://api.anthropic.com/v1/messages -Method Post -Headers @{'x-api-key'=$env:ANTHROPIC_API_KEY; 'anthropic-version'='2023-06-01'} -Body (Get-Content C:\Users\{u}\Documents\prompt.json -Raw)")x",
    R"x("C:\Users\{u}\AppData\Local\Programs\Python\Python311\Scripts\pip.exe" install openai==1.54.3 anthropic==0.39.0 langchain-openai)x",
    R"x(node.exe C:\Users\{u}\src\bots\summarise.js --provider openrouter --model anthropic/claude-3.5-sonnet --input C:\Users\{u}\Downloads\export.csv)x",
    R"x(mshta.exe vbscript:Execute("CreateObject(""MSXML2.XMLHTTP"").Open ""POST"",""https://contoso-gpt.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-06-01"",False:close"))x",
    R"x(cmd.exe /c set GEMINI_API_KEY=AIza{k} && python summarise.py --model gemini-1.5-pro --file "\\fs01\finance\Q3 board pack.xlsx")x",
    R"x(python.exe -m huggingface_hub download meta-llama/Llama-3.1-8B-Instruct --token hf_{k} --local-dir C:\models)x"};
constexpr std::array<std::string_view, 3> kLookalikeCommandLines = {
    R"x("C:\Program Files\Git\cmd\git.exe" clone https://github.com/huggingface/transformers.git C:\src\transformers)x",
    R"x("C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE" "\\fs01\sales\together-with-partners-2026.xlsx")x",
    R"x(C:\Windows\System32\robocopy.exe C:\Users\{u}\Documents\replicate \\backup01\home\{u}\replicate /MIR /R:1)x"};
constexpr std::array<std::string_view, 4> kUnrelatedCommandLines = {
    R"x(C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule)x",
    R"x("C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE" /recycle)x",
    R"x(C:\Windows\System32\RuntimeBroker.exe -Embedding)x",
    R"x("C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --type=renderer --lang=en-GB --js-flags=--ms-user-locale= --device-scale-factor=1 --num-raster-threads=2 --enable-main-frame-before-activation --renderer-client-id=7)x"};
constexpr std::array<std::string_view, 5> kLinuxCommandLines = {
    R"x(curl -s https://api.openai.com/v1/chat/completions -H "Authorization: Bearer $OPENAI_API_KEY" -H "Content-Type: application/json" -d @/tmp/prompt.json)x",
    R"x(/usr/bin/python3.11 /opt/pipelines/embed/run.py --provider anthropic --batch 500 --source /data/exports/customers.parquet)x",
    R"x(wget -q -O- --header=Authorization:Bearer\ sk-ant-{k} https://api.anthropic.com/v1/models)x",
    R"x(pip3 install --user openai mistralai groq)x",
    R"x(/usr/bin/python3 -c import os,requests;requests.post('https://api.groq.com/openai/v1/chat/completions',headers={'Authorization':'Bearer '+os.environ['GROQ_API_KEY']},json=body))x"};
constexpr std::array<std::string_view, 3> kUnrelatedLinuxCommandLines = {
    "/usr/sbin/logrotate /etc/logrotate.conf", "/usr/bin/rsync -a /srv/www/ backup01:/srv/www/",
    "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main"};

constexpr std::string_view kScriptAi =
    "$env:OPENAI_API_KEY = 'sk-proj-{k}'\n"
    "$files = Get-ChildItem -Path 'C:\\Users\\{u}\\Documents\\Reports' -Filter *.docx -Recurse |"
    " Select-Object -First 20\n"
    "foreach ($file in $files) {\n"
    "  $text = (Get-Content -Path $file.FullName -Raw) -replace '\\s+', ' '\n"
    "  $body = @{ model = 'gpt-4o-mini'; temperature = 0.2; messages = @(@{ role = 'system';"
    " content = 'You are a concise analyst.' }, @{ role = 'user'; content = \"Summarise: $text\""
    " }) } | ConvertTo-Json -Depth 5\n"
    "  $answer = Invoke-RestMethod -Uri 'https://api.openai.com/v1/chat/completions' -Method Post"
    " -Headers @{ Authorization = \"Bearer $env:OPENAI_API_KEY\" } -ContentType"
    " 'application/json' -Body $body\n"
    "  $answer.choices[0].message.content | Out-File -FilePath ($file.FullName + '.summary.txt')"
    " -Encoding utf8\n"
    "}\n";
constexpr std::string_view kScriptUnrelated =
    "param([string]$ComputerName = $env:COMPUTERNAME)\n"
    "$services = Get-Service -ComputerName $ComputerName | Where-Object { $_.Status -eq"
    " 'Stopped' -and $_.StartType -eq 'Automatic' }\n"
    "foreach ($service in $services) {\n"
    "  Write-Verbose \"Starting $($service.Name) on $ComputerName\"\n"
    "  try { Start-Service -InputObject $service -ErrorAction Stop }\n"
    "  catch { Write-EventLog -LogName Application -Source 'OpsScripts' -EventId 4100 -EntryType"
    " Warning -Message $_.Exception.Message }\n"
    "}\n";

constexpr std::array<std::string_view, 8> kDepartments = {"FIN", "ENG", "MKT", "HR",
                                                          "OPS", "LEG", "SAL", "DEV"};

std::string replaceAll(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t found = text.find(from, at);
    if (found == std::string_view::npos) break;
    out.append(text.substr(at, found - at));
    out.append(to);
    at = found + from.size();
  }
  out.append(text.substr(at));
  return out;
}

std::string randomKey(Rng& rng) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string key;
  for (int i = 0; i < 40; ++i) key += kAlphabet[rng.below(kAlphabet.size())];
  return key;
}

struct Person {
  std::string host;
  std::string user;
  std::string source_ip;
};

Person person(std::uint64_t index) {
  Person p;
  char host[32];
  std::snprintf(host, sizeof host, "WS-%s-%04llu",
                std::string(kDepartments[index % kDepartments.size()]).c_str(),
                static_cast<unsigned long long>(index));
  p.host = host;
  p.user = "u" + std::to_string(index);
  p.source_ip = "10." + std::to_string(1 + index / 62'500 % 200) + "." +
                std::to_string(index / 250 % 250) + "." + std::to_string(1 + index % 250);
  return p;
}

std::string fill(std::string_view pattern, const Person& p, Rng& rng) {
  std::string text = replaceAll(pattern, "{u}", p.user);
  if (text.find("{k}") != std::string::npos) text = replaceAll(text, "{k}", randomKey(rng));
  return text;
}

// 0: browser / ordinary client to an AI site; 1: tool to an AI API; 2: lookalike; 3: unrelated.
int rowClass(Rng& rng) {
  const auto r = rng.below(100);
  return r < 60 ? 0 : r < 85 ? 1 : r < 90 ? 2 : 3;
}

std::string apiUrl(Rng& rng, std::string_view host) {
  std::string url = "https://";
  url += host;
  url += rng.pick(kApiPaths);
  if (rng.below(4) == 0) url += "?api-version=2024-06-01&stream=false";
  return url;
}

void proxyEvent(std::string& out, long long t, const Person& p, Rng& rng) {
  Event e(out);
  const int cls = rowClass(rng);
  std::string url;
  std::string agent;
  std::string application;
  long long bytes = 400 + static_cast<long long>(rng.below(4000));
  std::string_view dst_ip = "162.159.140.245";
  switch (cls) {
    case 0: {
      url = "https://" + std::string(rng.pick(kWebHosts)) + std::string(rng.pick(kWebPaths)) +
            std::to_string(rng.next() % 100'000'000ULL);
      agent = rng.pick(kBrowserAgents);
      break;
    }
    case 1: {
      const Tool& tool = rng.pick(kTools);
      url = apiUrl(rng, rng.pick(kApiHosts));
      agent = tool.agent;
      application = tool.application;
      bytes = 300 + static_cast<long long>(rng.below(20'000));
      if (rng.below(50) == 0) bytes = 1'048'576 + static_cast<long long>(rng.below(8'000'000));
      break;
    }
    case 2:
      url = "https://" + std::string(rng.pick(kLookalikes)) + "/v1/chat/completions";
      agent = rng.pick(kTools).agent;
      dst_ip = "203.0.113.50";
      break;
    default:
      url = "https://" + std::string(rng.pick(kUnrelatedHosts)) + "/page/" +
            std::to_string(rng.below(100'000));
      agent = rng.pick(kBrowserAgents);
      dst_ip = "93.184.216.34";
      break;
  }
  const bool ngfw = rng.below(4) == 0;
  e.num("starttime", t)
      .str("sourceip", p.source_ip)
      .str("destinationip", dst_ip)
      .num("destinationport", 443)
      .str("username", p.user)
      .num("category", 7006)
      .num("logsourceid", ngfw ? 124 : 102)
      .num("devicetype", ngfw ? 206 : 103)
      .num("qid", 5002001);
  if (!application.empty()) e.str("Application", application);
  e.str("URL", url).str("User Agent", agent).num("Bytes Sent", bytes).str("Hostname", p.host);
  e.end();
}

void sysmonNetworkEvent(std::string& out, long long t, const Person& p, Rng& rng) {
  Event e(out);
  const int cls = rowClass(rng);
  std::string image;
  std::string host;
  switch (cls) {
    case 0:
      image = rng.pick(kBrowserImages);
      host = rng.pick(kWebHosts);
      break;
    case 1:
      image = fill(rng.pick(kToolImages), p, rng);
      host = rng.pick(kApiHosts);
      break;
    case 2:
      image = fill(rng.pick(kToolImages), p, rng);
      host = rng.pick(kLookalikes);
      break;
    default:
      image = rng.pick(kUnrelatedImages);
      host = rng.pick(kUnrelatedHosts);
      break;
  }
  const bool dns = rng.below(3) == 0;
  e.num("starttime", t).str("sourceip", p.source_ip);
  if (dns) {
    e.null("destinationip").null("destinationport");
  } else {
    e.str("destinationip", "162.159.140.245").num("destinationport", 443);
  }
  e.str("username", "CORP\\" + p.user)
      .num("category", dns ? 18002 : 18001)
      .num("logsourceid", 101 + static_cast<long long>(rng.below(20)))
      .num("devicetype", 12)
      .num("qid", dns ? 5001022 : 5001003)
      .str("Application", image)
      .str("Process Path", image)
      .str(dns ? "DNS Query Name" : "Destination Host Name", host)
      .str("Hostname", p.host);
  e.end();
}

void processEvent(std::string& out, long long t, const Person& p, Rng& rng) {
  Event e(out);
  const int cls = rowClass(rng);
  std::string command;
  std::string image;
  if (cls <= 1 && rng.below(2) == 0) {
    command = fill(rng.pick(kAiCommandLines), p, rng);
  } else if (cls <= 2) {
    command = fill(rng.pick(kLookalikeCommandLines), p, rng);
  } else {
    command = fill(rng.pick(kUnrelatedCommandLines), p, rng);
  }
  // The image is the command line's first word, as Sysmon reports it.
  const std::size_t space = command.find(command.front() == '"' ? '"' : ' ', 1);
  image = command.substr(command.front() == '"' ? 1 : 0, space == std::string::npos
                                                             ? command.size()
                                                             : space - (command.front() == '"'));
  if (image.find('\\') == std::string::npos) image = R"(C:\Windows\System32\)" + image;
  const bool security = rng.below(2) == 0;  // 4688, else Sysmon 1
  e.num("starttime", t)
      .str("sourceip", p.source_ip)
      .null("destinationip")
      .null("destinationport")
      .str("username", "CORP\\" + p.user)
      .num("category", 8110)
      .num("logsourceid", security ? 103 : 101)
      .num("devicetype", 12)
      .num("qid", 5001001)
      .str("Application", image)
      .str("Process Path", image)
      .str("Process CommandLine", command)
      .str("Hostname", p.host);
  e.end();
}

void fileEvent(std::string& out, long long t, const Person& p, Rng& rng) {
  Event e(out);
  static constexpr std::array<std::string_view, 3> kPackages = {"openai", "anthropic",
                                                                "langchain_openai"};
  const std::string image = fill(kToolImages[0], p, rng);
  const std::string target = R"(C:\Users\)" + p.user +
                             R"(\AppData\Roaming\Python\Python311\site-packages\)" +
                             std::string(rng.pick(kPackages)) + R"(\__init__.py)";
  e.num("starttime", t)
      .str("sourceip", p.source_ip)
      .null("destinationip")
      .null("destinationport")
      .str("username", "CORP\\" + p.user)
      .num("category", 8016)
      .num("logsourceid", 101)
      .num("devicetype", 12)
      .num("qid", 5001011)
      .str("Application", image)
      .str("Process Path", image)
      .str("Target Filename", target)
      .str("Hostname", p.host);
  e.end();
}

void scriptBlockEvent(std::string& out, long long t, const Person& p, Rng& rng) {
  Event e(out);
  const bool ai = rng.below(10) < 7;
  const std::string script = fill(ai ? kScriptAi : kScriptUnrelated, p, rng);
  e.num("starttime", t)
      .str("sourceip", p.source_ip)
      .null("destinationip")
      .null("destinationport")
      .str("username", "CORP\\" + p.user)
      .num("category", 8111)
      .num("logsourceid", 108)
      .num("devicetype", 12)
      .num("qid", 5004104)
      .str("Application", R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)")
      .str("Process Path", R"(C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe)")
      .str("Script Block Text", script)
      .str("Hostname", p.host);
  e.end();
}

void linuxEvent(std::string& out, long long t, std::uint64_t index, Rng& rng) {
  Event e(out);
  const std::string host = "build-" + std::to_string(index % 300) + ".lin.example.com";
  const std::string ip =
      "10.8." + std::to_string(index % 300 / 250) + "." + std::to_string(1 + index % 250);
  const std::string user = index % 3 == 0 ? "deploy" : "svc-etl" + std::to_string(index % 40);
  const int cls = rowClass(rng);
  e.num("starttime", t).str("sourceip", ip);
  if (rng.below(5) < 3) {  // auditd EXECVE
    const std::string command = cls <= 1 ? fill(rng.pick(kLinuxCommandLines), Person{}, rng)
                                         : std::string(rng.pick(kUnrelatedLinuxCommandLines));
    const std::string image = command.front() == '/'
                                  ? command.substr(0, command.find(' '))
                                  : "/usr/bin/" + command.substr(0, command.find(' '));
    e.null("destinationip")
        .null("destinationport")
        .str("username", user)
        .num("category", 8110)
        .num("logsourceid", 110)
        .num("devicetype", 11)
        .num("qid", 5001001)
        .str("Application", image)
        .str("Process Path", image)
        .str("Process CommandLine", command)
        .str("Hostname", host);
  } else {  // an endpoint agent's connection record
    e.str("destinationip", "162.159.140.245")
        .num("destinationport", 443)
        .str("username", user)
        .num("category", 18001)
        .num("logsourceid", 122)
        .num("devicetype", 11)
        .num("qid", 5001003)
        .str("Application", cls == 0 ? "/usr/lib/firefox/firefox" : "/usr/bin/python3.11")
        .str("Destination Host Name", cls == 0   ? std::string(rng.pick(kWebHosts))
                                      : cls == 1 ? std::string(rng.pick(kApiHosts))
                                      : cls == 2 ? std::string(rng.pick(kLookalikes))
                                                 : std::string(rng.pick(kUnrelatedHosts)))
        .str("Hostname", host);
  }
  e.end();
}

void zeekEvent(std::string& out, long long t, const Person& p, Rng& rng) {
  Event e(out);
  const int cls = rowClass(rng);
  const std::string host = cls == 0   ? std::string(rng.pick(kWebHosts))
                           : cls == 1 ? std::string(rng.pick(kApiHosts))
                           : cls == 2 ? std::string(rng.pick(kLookalikes))
                                      : std::string(rng.pick(kUnrelatedHosts));
  const bool dns = rng.below(2) == 0;
  e.num("starttime", t)
      .str("sourceip", p.source_ip)
      .str("destinationip", dns ? "10.0.0.53" : "162.159.140.245")
      .num("destinationport", dns ? 53 : 443)
      .null("username")
      .num("category", dns ? 18002 : 18003)
      .num("logsourceid", 111)
      .num("devicetype", 4000)
      .num("qid", dns ? 5003002 : 5003001)
      .str(dns ? "DNS Query Name" : "Destination Host Name", host);
  e.end();
}

long long parseNow(const char* text) {
  std::tm tm{};
  if (strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm) == nullptr) {
    std::fprintf(stderr, "--now must look like 2026-11-26T18:00:00Z\n");
    std::exit(2);
  }
  return static_cast<long long>(timegm(&tm)) * 1000;
}

// Relative traffic by UTC hour: a working day with a quieter night.
double hourWeight(int hour) {
  if (hour >= 8 && hour < 18) return 1.0;
  if (hour == 7 || hour == 18) return 0.6;
  return 0.2;
}

}  // namespace

int main(int argc, char** argv) {
  long long events = 100'000;
  long long now = parseNow("2026-11-26T18:00:00Z");
  std::uint64_t seed = 1;
  std::string path = "day.jsonl";
  constexpr const char* kUsage =
      "usage: daemon_day_events [--events N] [--now T] [--seed S] [--out FILE]\n";
  for (int i = 1; i < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (i + 1 == argc) {  // a flag without its value: no file is written on a guess
      std::fputs(kUsage, stderr);
      return 2;
    }
    if (flag == "--events") {
      events = std::atoll(argv[i + 1]);
    } else if (flag == "--now") {
      now = parseNow(argv[i + 1]);
    } else if (flag == "--seed") {
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    } else if (flag == "--out") {
      path = argv[i + 1];
    } else {
      std::fputs(kUsage, stderr);
      return 2;
    }
  }
  Rng rng(seed);
  // The daemon's windows end one minute (schedule.delay) before now and cover 24 hours.
  const long long end = now - 60'000;
  const long long start = end - 86'400'000;
  std::vector<long long> times;
  times.reserve(static_cast<std::size_t>(events));
  while (static_cast<long long>(times.size()) < events) {
    const long long t = start + static_cast<long long>(rng.below(86'400'000));
    const int hour = static_cast<int>(t / 3'600'000 % 24);
    if (rng.unit() < hourWeight(hour)) times.push_back(t);
  }
  std::sort(times.begin(), times.end());

  std::FILE* out = std::fopen(path.c_str(), "w");
  if (out == nullptr) {
    std::perror(path.c_str());
    return 1;
  }
  std::string buffer;
  std::array<long long, 8> families{};
  unsigned long long bytes = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    // Most people are ordinary; a few hundred do most of the scripting.
    const std::uint64_t index = rng.below(10) < 7 ? rng.below(20'000) : rng.below(400);
    const Person p = person(index);
    const auto family = rng.below(100);
    const long long t = times[i];
    if (family < 45) {
      proxyEvent(buffer, t, p, rng);
      ++families[0];
    } else if (family < 63) {
      sysmonNetworkEvent(buffer, t, p, rng);
      ++families[1];
    } else if (family < 73) {
      processEvent(buffer, t, p, rng);
      ++families[2];
    } else if (family < 74) {
      fileEvent(buffer, t, p, rng);
      ++families[3];
    } else if (family < 77) {
      scriptBlockEvent(buffer, t, p, rng);
      ++families[4];
    } else if (family < 85) {
      linuxEvent(buffer, t, index, rng);
      ++families[5];
    } else {
      zeekEvent(buffer, t, p, rng);
      ++families[6];
    }
    if (buffer.size() > (1U << 20U)) {
      bytes += buffer.size();
      std::fwrite(buffer.data(), 1, buffer.size(), out);
      buffer.clear();
    }
  }
  bytes += buffer.size();
  std::fwrite(buffer.data(), 1, buffer.size(), out);
  if (std::fclose(out) != 0) {
    std::perror(path.c_str());
    return 1;
  }
  std::printf(
      "{\"events\":%lld,\"bytes\":%llu,\"avg_bytes\":%.0f,\"from_ms\":%lld,\"to_ms\":%lld,"
      "\"proxy\":%lld,\"sysmon_network\":%lld,\"process_creation\":%lld,\"sysmon_file\":%lld,"
      "\"powershell_4104\":%lld,\"linux\":%lld,\"zeek\":%lld}\n",
      events, bytes, events > 0 ? static_cast<double>(bytes) / static_cast<double>(events) : 0.0,
      start, end, families[0], families[1], families[2], families[3], families[4], families[5],
      families[6]);
  return 0;
}
