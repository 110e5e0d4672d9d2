#include "config/token_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "config/file_acl.h"
#include "core/text.h"

namespace aihunt::config {
namespace {

constexpr std::size_t kMaxTokenBytes = 64 * 1024;
// Trims surrounding whitespace (files end in a newline); anything non-printable left inside
// means the wrong file or a pasted mistake. Says what is wrong, never what the token is.
std::optional<std::string> checkToken(std::string raw, std::string_view where,
                                      Diagnostics& diagnostics, std::string_view path) {
  std::string_view trimmed = core::trim(raw);
  // A byte-order mark (an editor on Windows saves one) is not part of any token: sent, it would
  // be refused with a 401 that counts toward the console's login lockout.
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (trimmed.starts_with(kByteOrderMark))
    trimmed = core::trim(trimmed.substr(kByteOrderMark.size()));
  std::string token(trimmed);
  explicit_bzero(raw.data(), raw.size());
  if (token.empty()) {
    diagnostics.error(std::string(path), std::string(where) + " holds an empty token");
    return std::nullopt;
  }
  for (const char c : token) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      explicit_bzero(token.data(), token.size());
      diagnostics.error(std::string(path), std::string(where) +
                                               " holds control characters or several lines; "
                                               "expected one token");
      return std::nullopt;
    }
  }
  return token;
}

std::optional<std::string> readTokenFile(const std::string& file, bool allow_readable,
                                         Diagnostics& diagnostics, std::string_view file_key) {
  const std::string key(file_key);
  const std::string where = "token file '" + core::printableExcerpt(file, 200) + "'";
  // Kubernetes mounts a Secret's keys as symbolic links (token -> ..data/token), so a link is
  // resolved, once; the file it resolves to is then opened with O_NOFOLLOW, so that a link
  // swapped in meanwhile is refused rather than followed. O_NONBLOCK: a FIFO (or a device) must
  // not hang the open.
  char* resolved = ::realpath(file.c_str(), nullptr);
  if (resolved == nullptr) {
    diagnostics.error(key, "cannot open " + where + ": " + std::strerror(errno));
    return std::nullopt;
  }
  const std::string target(resolved);
  std::free(resolved);  // NOLINT(cppcoreguidelines-no-malloc): realpath's buffer
  const int fd = ::open(target.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    const int saved = errno;
    diagnostics.error(key, saved == ELOOP
                               ? where + " was replaced by a symbolic link while it was read"
                               : "cannot open " + where + ": " + std::strerror(saved));
    return std::nullopt;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    diagnostics.error(key, where + " is not a regular file");
    return std::nullopt;
  }
  // With an ACL the group bits are its mask (a systemd credential reads as 0440): who may read
  // is the ACL's to say (config/file_acl.h).
  const AclAccess access = aclAccess(fd, ::geteuid());
  const AclReaders acl = access.readers;
  const bool acl_says = acl != AclReaders::kNoAcl;
  const mode_t open_to = acl_says ? S_IRWXO : (S_IRWXG | S_IRWXO);
  if ((info.st_mode & open_to) != 0 || acl == AclReaders::kOthers || access.others_write) {
    char bits[8];
    std::snprintf(bits, sizeof bits, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    const std::string mode = std::string(bits) + (acl_says ? " and an ACL" : "");
    const bool readable =
        acl == AclReaders::kOthers || (info.st_mode & open_to & (S_IRGRP | S_IROTH)) != 0;
    if (readable && !allow_readable) {
      ::close(fd);
      diagnostics.error(
          key, where +
                   (acl_says ? " can be read by others than its owner and this user"
                             : " can be read by group or others") +
                   " (mode " + mode + "); chmod 600 it" +
                   (acl_says ? std::string(" and remove the ACL (setfacl -b)") : std::string()) +
                   " (or allow it: qradar.allow_readable_token_file: true in the config, "
                   "or --allow-readable-token-file on the commands that connect)");
      return std::nullopt;
    }
    diagnostics.warning(
        key, where + " is accessible by group or others (mode " + mode + "); chmod 600 it");
  }
  if (static_cast<std::size_t>(info.st_size) > kMaxTokenBytes) {
    ::close(fd);
    diagnostics.error(key, where + " is larger than 64 KiB");
    return std::nullopt;
  }
  std::string content(kMaxTokenBytes + 1, '\0');
  std::size_t used = 0;
  while (used < content.size()) {
    const ssize_t got = ::read(fd, content.data() + used, content.size() - used);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int saved = errno;
      ::close(fd);
      explicit_bzero(content.data(), used);
      diagnostics.error(key, "cannot read " + where + ": " + std::strerror(saved));
      return std::nullopt;
    }
    if (got == 0) break;
    used += static_cast<std::size_t>(got);
  }
  ::close(fd);
  if (used > kMaxTokenBytes) {
    explicit_bzero(content.data(), used);
    diagnostics.error(key, where + " is larger than 64 KiB");
    return std::nullopt;
  }
  content.resize(used);
  return checkToken(std::move(content), where, diagnostics, key);
}

}  // namespace

std::optional<std::string> hiddenTokenFileWarning(const QRadarConfig& qradar,
                                                  const Environment& env) {
  const auto value = env.get(kTokenVariable);
  if (!value || value->empty() || qradar.token_file.empty()) return std::nullopt;
  if (::access(qradar.token_file.c_str(), R_OK) == 0) return std::nullopt;
  return "token file '" + core::printableExcerpt(qradar.token_file, 200) + "' cannot be read (" +
         std::strerror(errno) + "); the token comes from " + std::string(kTokenVariable) +
         " here, but a run without that variable (the systemd unit sets none) would fail";
}

std::optional<ResolvedToken> resolveQRadarToken(const QRadarConfig& qradar, const Environment& env,
                                                Diagnostics& diagnostics,
                                                std::string_view file_key) {
  // Set but empty counts as unset: `AIHUNT_QRADAR_TOKEN=${X}` with X unset is common in compose
  // files, and the token file should then still work.
  if (auto value = env.get(kTokenVariable); value && !value->empty()) {
    auto token = checkToken(std::move(*value), kTokenVariable, diagnostics, "qradar");
    if (!token) return std::nullopt;
    // The path of the token file put in the variable (a common slip): the console would only
    // answer 401. A real token is never the name of a file here; the value is not echoed.
    struct stat info {};
    if (::stat(token->c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
      explicit_bzero(token->data(), token->size());
      diagnostics.error("qradar", std::string(kTokenVariable) +
                                      " names a file on this machine; it must hold the token "
                                      "itself (for a file, use --token-file or "
                                      "qradar.token_file)");
      return std::nullopt;
    }
    return ResolvedToken{SecretString(std::move(*token)), std::string(kTokenVariable)};
  }
  if (qradar.token_file.empty()) {
    diagnostics.error("qradar.token_file",
                      "no QRadar token: set the AIHUNT_QRADAR_TOKEN environment variable or "
                      "qradar.token_file");
    return std::nullopt;
  }
  auto token =
      readTokenFile(qradar.token_file, qradar.allow_readable_token_file, diagnostics, file_key);
  if (!token) return std::nullopt;
  return ResolvedToken{SecretString(std::move(*token)), qradar.token_file};
}

}  // namespace aihunt::config
