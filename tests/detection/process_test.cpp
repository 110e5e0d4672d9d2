// Process name normalisation and categorisation over generated path shapes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "detection/process.h"
#include "detection/user_agent.h"
#include "tests/support/detection_fixture.h"

using namespace aihunt::detection;

TEST_CASE("every generated path shape resolves to the catalog name") {
  ProcessCatalog catalog;
  for (const char* name : {"python", "pythonw", "pwsh", "node", "curl", "wget", "powershell",
                           "regsvr32", "rundll32"}) {
    REQUIRE(catalog.add(name, {ProcessCategory::kScriptRuntime, {}}));
  }
  const std::vector<std::string> directories = {"",
                                                "C:\\Windows\\System32\\",
                                                "c:\\program files\\Python 3.11\\",
                                                "\\\\fileserver\\share\\tools\\",
                                                "/usr/bin/",
                                                "/usr/local/bin/",
                                                "./",
                                                "C:/mixed\\seps/"};
  struct Name {
    std::string spelled;
    std::string base;      // normaliseProcessName
    std::string resolved;  // the catalog's name, or the base when unknown
  };
  const std::vector<Name> names = {
      {"python", "python", "python"},
      {"Python3.11", "python3.11", "python"},
      {"python3", "python3", "python"},
      {"PYTHONW", "pythonw", "pythonw"},
      {"pwsh", "pwsh", "pwsh"},
      {"node18", "node18", "node"},
      {"curl", "curl", "curl"},
      {"wget2", "wget2", "wget"},
      {"PowerShell", "powershell", "powershell"},
      {"python-3.12", "python-3.12", "python"},
      {"regsvr32", "regsvr32", "regsvr32"},
      {"RunDll32", "rundll32", "rundll32"},
      {"pwsh-preview", "pwsh-preview", "pwsh-preview"},
      {"notepad++", "notepad++", "notepad++"},
      {"securl", "securl", "securl"},
      {"nodemon", "nodemon", "nodemon"},
  };
  const std::vector<std::string> extensions = {"", ".exe", ".EXE", ".Exe"};
  int checked = 0;
  for (const auto& directory : directories) {
    for (const auto& name : names) {
      for (const auto& extension : extensions) {
        const std::string path = directory + name.spelled + extension;
        const bool has_space = path.find(' ') != std::string::npos;
        std::vector<std::string> shapes = {"\"" + path + "\"", "\"" + path + "\" --flag value",
                                           "'" + path + "'"};
        // Unquoted paths with spaces are only unambiguous when they end in ".exe".
        if (!has_space || !extension.empty()) {
          shapes.push_back(path);
          shapes.push_back(path + " -c \"print(1)\"");
        }
        for (const auto& shape : shapes) {
          INFO(shape);
          const std::string base = normaliseProcessName(shape);
          CHECK(base == name.base);
          CHECK(catalog.lookup(base).name == name.resolved);
          ++checked;
        }
      }
    }
  }
  CHECK(checked > 1500);
}

TEST_CASE("version suffixes") {
  CHECK(withoutVersionSuffix("python3.11") == "python");
  CHECK(withoutVersionSuffix("python-3.12") == "python");
  CHECK(withoutVersionSuffix("node18") == "node");
  CHECK(withoutVersionSuffix("7") == "7");
  CHECK(withoutVersionSuffix("x.") == "x.");
  CHECK(withoutVersionSuffix("pwsh") == "pwsh");
}

TEST_CASE("normaliseProcessName edge cases") {
  CHECK(normaliseProcessName("").empty());
  CHECK(normaliseProcessName("   ").empty());
  CHECK(normaliseProcessName("C:\\Windows\\").empty());
  CHECK(normaliseProcessName("7z.exe") == "7z");
  CHECK(normaliseProcessName("C:\\Windows\\System32\\regsvr32.exe /s x.dll") == "regsvr32");
  CHECK(normaliseProcessName("123") == "123");
  CHECK(normaliseProcessName("\"unterminated\\python.exe") == "python");
}

TEST_CASE("categorisation is by name, never by substring") {
  const auto settings = aihunt::testing::makeTestSettings();
  const auto category = [&](std::string_view application) {
    return settings.processes.lookup(normaliseProcessName(application)).entry.category;
  };
  CHECK(category("C:\\Python311\\python.exe") == ProcessCategory::kScriptRuntime);
  CHECK(category("/usr/bin/python3.11") == ProcessCategory::kScriptRuntime);
  CHECK(category("python3.11.exe") == ProcessCategory::kScriptRuntime);
  CHECK(category("C:\\Windows\\System32\\curl.exe") == ProcessCategory::kCliTransfer);
  CHECK(category("wscript.exe") == ProcessCategory::kScriptHost);
  CHECK(category("MSHTA.EXE") == ProcessCategory::kLolbin);
  CHECK(category("notepad++.exe") == ProcessCategory::kOther);
  CHECK(category("securl.exe") == ProcessCategory::kOther);
  CHECK(category("nodemon") == ProcessCategory::kOther);
  CHECK(category("pythonista") == ProcessCategory::kOther);
  CHECK(settings.processes.lookup("codex").entry.vendor == "openai");
}

TEST_CASE("a name listed in two categories is rejected") {
  ProcessCatalog catalog;
  REQUIRE(catalog.add("curl", {ProcessCategory::kCliTransfer, {}}));
  REQUIRE(catalog.add("CURL.EXE", {ProcessCategory::kCliTransfer, {}}));
  CHECK_FALSE(catalog.add("curl", {ProcessCategory::kBrowser, {}}));
  CHECK_FALSE(catalog.add("", {ProcessCategory::kBrowser, {}}));
}

TEST_CASE("category names round-trip") {
  for (const auto category :
       {ProcessCategory::kUnknown, ProcessCategory::kScriptRuntime, ProcessCategory::kScriptHost,
        ProcessCategory::kCliTransfer, ProcessCategory::kLolbin, ProcessCategory::kAiClient,
        ProcessCategory::kBrowser, ProcessCategory::kOther}) {
    CHECK(processCategoryFromName(processCategoryName(category)) == category);
  }
  CHECK(processCategoryName(ProcessCategory::kCliTransfer) == "CLI_Transfer");
  CHECK_FALSE(processCategoryFromName("Scripting").has_value());
}

TEST_CASE("user agents tell scripts from browsers") {
  const auto settings = aihunt::testing::makeTestSettings();
  const auto& agents = settings.user_agents;
  CHECK(agents.classify("python-requests/2.32.3").category == ProcessCategory::kScriptRuntime);
  CHECK(agents.classify("curl/8.9.1").category == ProcessCategory::kCliTransfer);
  const auto powershell = agents.classify(
      "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.4894");
  CHECK(powershell.category == ProcessCategory::kScriptRuntime);
  CHECK(powershell.label == "powershell");
  CHECK(agents.classify("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
            .category == ProcessCategory::kBrowser);
  CHECK(agents.classify("").category == ProcessCategory::kUnknown);
  CHECK(agents.classify("-").category == ProcessCategory::kUnknown);
  CHECK(agents.classify("SomethingElse/1.0").category == ProcessCategory::kOther);
}
