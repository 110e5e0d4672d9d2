#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

#include "config/loader.h"
#include "config/token_source.h"
#include "config_test_util.h"

namespace aihunt::config {
namespace {

constexpr const char* kToken = "7c1d55e2-93aa-4f6b-b0c4-2de7a1f0e9ab";

// A token file in /tmp, removed when the test ends.
class TempFile {
 public:
  TempFile(const std::string& content, mode_t mode) {
    static int counter = 0;
    path_ =
        "/tmp/aihunt_token_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    std::FILE* file = std::fopen(path_.c_str(), "w");
    REQUIRE(file != nullptr);
    std::fwrite(content.data(), 1, content.size(), file);
    std::fclose(file);
    REQUIRE(::chmod(path_.c_str(), mode) == 0);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

LoadOutcome loadWithToken(const std::string& yaml, const Environment& env) {
  return loadConfigText(yaml, "t.yaml", env, LoadOptions{});
}

std::string qradarWithFile(const std::string& path) {
  return "qradar:\n  url: https://q\n  token_file: " + path + "\n";
}

// The token must not appear in any error or warning, whatever went wrong.
void expectTokenAbsent(const LoadOutcome& outcome, std::string_view token) {
  for (const auto* list : {&outcome.errors, &outcome.warnings}) {
    for (const auto& item : *list) {
      INFO(item.describe());
      CHECK(item.describe().find(token) == std::string::npos);
    }
  }
}

TEST_CASE("the token comes from AIHUNT_QRADAR_TOKEN first", "[config][token]") {
  TempFile file("file-token-value-123456\n", 0600);
  MapEnvironment env;
  env.set("AIHUNT_QRADAR_TOKEN", kToken);
  const LoadOutcome outcome = loadWithToken(qradarWithFile(file.path()), env);
  REQUIRE(outcome.ok());
  CHECK(outcome.config->qradar_token->reveal() == kToken);
  CHECK(outcome.config->qradar_token_origin == "AIHUNT_QRADAR_TOKEN");
}

TEST_CASE("a token file the variable hides is warned about when it cannot be read",
          "[config][token]") {
  // Taken from the variable, the token works today; the unit that sets no variable would fail
  // on the file. Said only when the file cannot be read, and never with the token in it.
  MapEnvironment env;
  env.set("AIHUNT_QRADAR_TOKEN", kToken);
  QRadarConfig qradar;
  qradar.token_file = "/tmp/aihunt-no-such-token";
  const auto said = hiddenTokenFileWarning(qradar, env);
  REQUIRE(said.has_value());
  CHECK(said->find("cannot be read") != std::string::npos);
  CHECK(said->find(kToken) == std::string::npos);
  TempFile file("file-token-value-123456\n", 0600);
  qradar.token_file = file.path();
  CHECK_FALSE(hiddenTokenFileWarning(qradar, env).has_value());
  // Without the variable the file is read, and its problems are errors of their own.
  qradar.token_file = "/tmp/aihunt-no-such-token";
  CHECK_FALSE(hiddenTokenFileWarning(qradar, MapEnvironment{}).has_value());
  QRadarConfig without_file;
  CHECK_FALSE(hiddenTokenFileWarning(without_file, env).has_value());
}

TEST_CASE("a byte-order mark before the token is not part of it", "[config][token]") {
  // Windows editors save one; sent, the token would be refused (a 401 toward the lockout).
  TempFile file("\xEF\xBB\xBF" + std::string(kToken) + "\r\n", 0600);
  const LoadOutcome outcome = loadWithToken(qradarWithFile(file.path()), MapEnvironment{});
  REQUIRE(outcome.ok());
  CHECK(outcome.config->qradar_token->reveal() == kToken);
  MapEnvironment env;
  env.set("AIHUNT_QRADAR_TOKEN", "\xEF\xBB\xBF" + std::string(kToken));
  const LoadOutcome variable = loadWithToken("qradar:\n  url: https://q\n", env);
  REQUIRE(variable.ok());
  CHECK(variable.config->qradar_token->reveal() == kToken);
}

TEST_CASE("AIHUNT_QRADAR_TOKEN holding a token file's path is refused, not sent",
          "[config][token]") {
  TempFile file(std::string(kToken) + "\n", 0600);
  MapEnvironment env;
  env.set("AIHUNT_QRADAR_TOKEN", file.path());
  const LoadOutcome outcome = loadWithToken("qradar:\n  url: https://q\n", env);
  CHECK_FALSE(outcome.ok());
  REQUIRE(outcome.errors.size() == 1);
  CHECK(outcome.errors[0].path == "qradar");
  expectTokenAbsent(outcome, file.path());
  // A token that merely starts like a path, but names no file, is the token.
  MapEnvironment slash;
  slash.set("AIHUNT_QRADAR_TOKEN", "/no/such/file/but/a/password");
  const LoadOutcome taken = loadWithToken("qradar:\n  url: https://q\n", slash);
  REQUIRE(taken.ok());
  CHECK(taken.config->qradar_token->reveal() == "/no/such/file/but/a/password");
}

TEST_CASE("the token comes from token_file otherwise, trimmed", "[config][token]") {
  TempFile file(std::string(kToken) + "\n", 0600);
  const LoadOutcome outcome = loadWithToken(qradarWithFile(file.path()), MapEnvironment{});
  REQUIRE(outcome.ok());
  CHECK(testing::messagesAt(outcome.warnings, "qradar.token_file").empty());
  CHECK(outcome.config->qradar_token->reveal() == kToken);
  CHECK(outcome.config->qradar_token_origin == file.path());

  MapEnvironment empty_var;
  empty_var.set("AIHUNT_QRADAR_TOKEN", "");
  const LoadOutcome fallback = loadWithToken(qradarWithFile(file.path()), empty_var);
  REQUIRE(fallback.ok());
  CHECK(fallback.config->qradar_token->reveal() == kToken);
}

TEST_CASE("a token file group or others can read is refused unless allowed", "[config][token]") {
  for (const mode_t mode : {0644, 0640, 0604, 0660}) {
    TempFile file(kToken, mode);
    INFO(mode);
    char expected_mode[8];
    std::snprintf(expected_mode, sizeof expected_mode, "%04o", static_cast<unsigned>(mode));
    const LoadOutcome refused = loadWithToken(qradarWithFile(file.path()), MapEnvironment{});
    REQUIRE_FALSE(refused.ok());
    CHECK(testing::messageAt(refused.errors, "qradar.token_file") ==
          "token file '" + file.path() + "' can be read by group or others (mode " + expected_mode +
              "); chmod 600 it (or allow it: qradar.allow_readable_token_file: true in the "
              "config, or --allow-readable-token-file on the commands that connect)");
    expectTokenAbsent(refused, kToken);

    const LoadOutcome allowed = loadWithToken(
        qradarWithFile(file.path()) + "  allow_readable_token_file: true\n", MapEnvironment{});
    REQUIRE(allowed.ok());
    CHECK(allowed.config->qradar_token->reveal() == kToken);
    CHECK(testing::messageAt(allowed.warnings, "qradar.token_file") ==
          "token file '" + file.path() + "' is accessible by group or others (mode " +
              expected_mode + "); chmod 600 it");
    expectTokenAbsent(allowed, kToken);
  }
  TempFile writable(kToken, 0620);  // group may write but not read: a warning
  const LoadOutcome warned = loadWithToken(qradarWithFile(writable.path()), MapEnvironment{});
  REQUIRE(warned.ok());
  CHECK(testing::messagesAt(warned.warnings, "qradar.token_file").size() == 1);
  TempFile strict(kToken, 0400);
  const LoadOutcome quiet = loadWithToken(qradarWithFile(strict.path()), MapEnvironment{});
  CHECK(testing::messagesAt(quiet.warnings, "qradar.token_file").empty());
}

// Writes a POSIX access ACL in Linux's xattr form: version 2, then {tag, perm, id} entries.
void setAcl(const std::string& path,
            const std::vector<std::tuple<std::uint16_t, std::uint16_t, std::uint32_t>>& entries) {
  std::string bytes;
  const auto put = [&bytes](std::uint32_t value, int count) {
    for (int i = 0; i < count; ++i) bytes.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
  };
  put(2, 4);
  for (const auto& [tag, perm, id] : entries) {
    put(tag, 2);
    put(perm, 2);
    put(id, 4);
  }
  REQUIRE(::setxattr(path.c_str(), "system.posix_acl_access", bytes.data(), bytes.size(), 0) == 0);
}

TEST_CASE("a token file with an ACL is judged by its ACL, not by its mask in the group bits",
          "[config][token]") {
  // systemd hands LoadCredential= files over as root's, with an ACL entry for the unit's user:
  // mode 0440, the group bits being the ACL's mask. Refused, the unit failed with exit 2 and
  // was not restarted (a review of the systemd unit).
  constexpr std::uint16_t kUserObj = 0x01, kUser = 0x02, kGroupObj = 0x04, kGroup = 0x08,
                          kMask = 0x10, kOther = 0x20, kNone = 0, kR = 4, kRw = 6;
  constexpr std::uint32_t kAny = 0xffffffff;
  const std::uint32_t self = ::geteuid();
  const std::uint32_t stranger = self + 4242;
  struct Case {
    const char* what;
    std::vector<std::tuple<std::uint16_t, std::uint16_t, std::uint32_t>> acl;
    bool accepted;
  };
  const std::vector<Case> cases = {
      {"systemd's: this user named, the owning group and others nothing",
       {{kUserObj, kR, kAny},
        {kUser, kR, self},
        {kGroupObj, kNone, kAny},
        {kMask, kR, kAny},
        {kOther, kNone, kAny}},
       true},
      {"another user named",
       {{kUserObj, kR, kAny},
        {kUser, kR, stranger},
        {kGroupObj, kNone, kAny},
        {kMask, kR, kAny},
        {kOther, kNone, kAny}},
       false},
      {"a named group",
       {{kUserObj, kR, kAny},
        {kUser, kR, self},
        {kGroupObj, kNone, kAny},
        {kGroup, kR, 4242},
        {kMask, kR, kAny},
        {kOther, kNone, kAny}},
       false},
      {"the owning group",
       {{kUserObj, kRw, kAny},
        {kUser, kR, self},
        {kGroupObj, kR, kAny},
        {kMask, kR, kAny},
        {kOther, kNone, kAny}},
       false},
      {"the owning group, masked out",
       {{kUserObj, kRw, kAny},
        {kUser, kNone, stranger},
        {kGroupObj, kR, kAny},
        {kMask, kNone, kAny},
        {kOther, kNone, kAny}},
       true},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    TempFile file(kToken, 0400);
    setAcl(file.path(), c.acl);
    const LoadOutcome outcome = loadWithToken(qradarWithFile(file.path()), MapEnvironment{});
    for (const auto& error : outcome.errors) INFO(error.describe());
    CHECK(outcome.ok() == c.accepted);
    if (c.accepted) {
      CHECK(outcome.config->qradar_token->reveal() == kToken);
      CHECK(testing::messagesAt(outcome.warnings, "qradar.token_file").empty());
    } else {
      CHECK(testing::messageAt(outcome.errors, "qradar.token_file").find("setfacl -b") !=
            std::string::npos);
    }
    expectTokenAbsent(outcome, kToken);
  }
  // A group that may write but not read: read as the plain mode 0620 is, a warning (a trial
  // found it accepted without one).
  TempFile writable(kToken, 0400);
  setAcl(writable.path(), {{kUserObj, kRw, kAny},
                           {kUser, kR, self},
                           {kGroupObj, kNone, kAny},
                           {kGroup, 2, 4242},
                           {kMask, kRw, kAny},
                           {kOther, kNone, kAny}});
  const LoadOutcome warned = loadWithToken(qradarWithFile(writable.path()), MapEnvironment{});
  REQUIRE(warned.ok());
  CHECK(testing::messagesAt(warned.warnings, "qradar.token_file").size() == 1);
}

TEST_CASE("a token file must be a regular file: no FIFO; a symbolic link is resolved once",
          "[config][token]") {
  SECTION("a FIFO fails at once instead of hanging the open") {
    const std::string fifo = "/tmp/aihunt_token_fifo_" + std::to_string(::getpid());
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const LoadOutcome outcome = loadWithToken(qradarWithFile(fifo), MapEnvironment{});
    std::remove(fifo.c_str());
    REQUIRE(outcome.errors.size() == 1);
    CHECK(outcome.errors[0].message == "token file '" + fifo + "' is not a regular file");
  }
  SECTION("a symbolic link (how Kubernetes mounts a Secret) reads the file it names") {
    TempFile file(kToken, 0600);
    const std::string link = file.path() + ".link";
    REQUIRE(::symlink(file.path().c_str(), link.c_str()) == 0);
    const LoadOutcome outcome = loadWithToken(qradarWithFile(link), MapEnvironment{});
    std::remove(link.c_str());
    CHECK(outcome.errors.empty());
    REQUIRE(outcome.ok());
    REQUIRE(outcome.config->qradar_token.has_value());
    CHECK(outcome.config->qradar_token->reveal() == kToken);
  }
  SECTION("a symbolic link to a group-readable file is refused like the file") {
    TempFile file(kToken, 0640);
    const std::string link = file.path() + ".link";
    REQUIRE(::symlink(file.path().c_str(), link.c_str()) == 0);
    const LoadOutcome outcome = loadWithToken(qradarWithFile(link), MapEnvironment{});
    std::remove(link.c_str());
    CHECK(outcome.errors.size() == 1);
  }
  SECTION("a symbolic link to a FIFO fails at once") {
    const std::string fifo = "/tmp/aihunt_token_fifo_l_" + std::to_string(::getpid());
    const std::string link = fifo + ".link";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    REQUIRE(::symlink(fifo.c_str(), link.c_str()) == 0);
    const LoadOutcome outcome = loadWithToken(qradarWithFile(link), MapEnvironment{});
    std::remove(link.c_str());
    std::remove(fifo.c_str());
    REQUIRE(outcome.errors.size() == 1);
    CHECK(outcome.errors[0].message == "token file '" + link + "' is not a regular file");
  }
}

TEST_CASE("token problems are errors that never show the token", "[config][token]") {
  SECTION("no source at all") {
    const LoadOutcome outcome = loadWithToken("qradar: {url: 'https://q'}\n", MapEnvironment{});
    REQUIRE(outcome.errors.size() == 1);
    CHECK(outcome.errors[0].path == "qradar.token_file");
    CHECK(outcome.errors[0].message ==
          "no QRadar token: set the AIHUNT_QRADAR_TOKEN environment variable or "
          "qradar.token_file");
  }
  SECTION("missing file") {
    const LoadOutcome outcome =
        loadWithToken(qradarWithFile("/nonexistent/aihunt/token"), MapEnvironment{});
    REQUIRE(outcome.errors.size() == 1);
    CHECK(outcome.errors[0].path == "qradar.token_file");
    CHECK(outcome.errors[0].message ==
          "cannot open token file '/nonexistent/aihunt/token': No such file or directory");
  }
  SECTION("empty file") {
    TempFile file(" \n\n", 0600);
    const LoadOutcome outcome = loadWithToken(qradarWithFile(file.path()), MapEnvironment{});
    REQUIRE(outcome.errors.size() == 1);
    CHECK(outcome.errors[0].message == "token file '" + file.path() + "' holds an empty token");
  }
  SECTION("several lines") {
    TempFile file(std::string(kToken) + "\nsecond-line-" + kToken + "\n", 0600);
    const LoadOutcome outcome = loadWithToken(qradarWithFile(file.path()), MapEnvironment{});
    REQUIRE(outcome.errors.size() == 1);
    CHECK(outcome.errors[0].message ==
          "token file '" + file.path() +
              "' holds control characters or several lines; expected one token");
    expectTokenAbsent(outcome, kToken);
  }
  SECTION("a directory") {
    const LoadOutcome outcome = loadWithToken(qradarWithFile("/tmp"), MapEnvironment{});
    REQUIRE(outcome.errors.size() == 1);
    CHECK(outcome.errors[0].message == "token file '/tmp' is not a regular file");
  }
  SECTION("bad env value") {
    MapEnvironment env;
    env.set("AIHUNT_QRADAR_TOKEN", std::string(kToken) + "\x01");
    const LoadOutcome outcome = loadWithToken("qradar: {url: 'https://q'}\n", env);
    REQUIRE(outcome.errors.size() == 1);
    CHECK(outcome.errors[0].path == "qradar");
    expectTokenAbsent(outcome, kToken);
  }
}

TEST_CASE("the token is scrubbed from every other message", "[config][token]") {
  // A token that leaked into other values must not come back in errors about them.
  MapEnvironment env;
  env.set("AIHUNT_QRADAR_TOKEN", kToken);
  env.set("LEAKED", kToken);
  const LoadOutcome outcome = loadWithToken(
      "qradar:\n"
      "  url: https://q\n"
      "  auth: ${LEAKED}\n"
      "  api_version: ${LEAKED}\n"
      "hunts:\n"
      "  - name: ${LEAKED}\n"
      "    fields: {url: '${LEAKED}'}\n"
      "outputs:\n"
      "  leef: {host: '${LEAKED}x!'}\n"
      "  stdout: {format: '${LEAKED}'}\n",
      env);
  // auth, api_version, leef host, stdout format (the token is a valid hunt and property name).
  CHECK(outcome.errors.size() == 4);
  expectTokenAbsent(outcome, kToken);
  bool redacted = false;
  for (const auto& error : outcome.errors) {
    redacted = redacted || error.message.find("[REDACTED]") != std::string::npos;
  }
  CHECK(redacted);
}

TEST_CASE("resolve_token: false leaves the token alone", "[config][token]") {
  const LoadOutcome outcome = testing::load("qradar: {url: 'https://q'}\n");
  REQUIRE(outcome.ok());
  CHECK_FALSE(outcome.config->qradar_token.has_value());
}

TEST_CASE("the environment's token is scrubbed even without a qradar: section", "[config][token]") {
  // Found by fuzz/config_fuzz: the token pasted into a file with no qradar: section, and a
  // syntax error, came back inside error messages.
  MapEnvironment env;
  env.set("AIHUNT_QRADAR_TOKEN", kToken);
  for (const std::string& text :
       {std::string("outputs:\n  stdout: {format: '") + kToken + "'}\n",
        std::string("hunts:\n  - name: a\n    database: ") + kToken + "\n",
        std::string("detection: [") + kToken + "\n"}) {
    INFO(text);
    const LoadOutcome outcome = loadConfigText(text, "x.yaml", env);
    REQUIRE_FALSE(outcome.ok());
    expectTokenAbsent(outcome, kToken);
  }
}

}  // namespace
}  // namespace aihunt::config
