#include "config/file_acl.h"

#include <sys/xattr.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>

namespace aihunt::config {
namespace {

// Linux's xattr form of a POSIX ACL (include/uapi/linux/posix_acl_xattr.h): a 4-byte version
// (2), then 8-byte entries {u16 tag, u16 perm, u32 id}, little-endian.
constexpr std::uint32_t kAclVersion = 2;
constexpr std::size_t kHeaderBytes = 4;
constexpr std::size_t kEntryBytes = 8;
constexpr std::uint16_t kUser = 0x02;
constexpr std::uint16_t kGroupObj = 0x04;
constexpr std::uint16_t kGroup = 0x08;
constexpr std::uint16_t kMask = 0x10;
constexpr std::uint16_t kOther = 0x20;
constexpr std::uint16_t kRead = 0x04;

std::uint32_t little(const unsigned char* bytes, std::size_t count) {
  std::uint32_t value = 0;
  for (std::size_t i = count; i > 0; --i) value = (value << 8U) | bytes[i - 1];
  return value;
}

}  // namespace

AclReaders aclReaders(int fd, uid_t self) {
  // 32 entries is far more than any ACL a credential or a token file carries.
  std::array<unsigned char, kHeaderBytes + 32 * kEntryBytes> buffer{};
  const ssize_t size = ::fgetxattr(fd, "system.posix_acl_access", buffer.data(), buffer.size());
  if (size < 0) {
    return errno == ENODATA || errno == ENOTSUP ? AclReaders::kNoAcl : AclReaders::kOthers;
  }
  const auto bytes = static_cast<std::size_t>(size);
  if (bytes < kHeaderBytes || (bytes - kHeaderBytes) % kEntryBytes != 0 ||
      little(buffer.data(), 4) != kAclVersion) {
    return AclReaders::kOthers;
  }
  // The mask limits every named entry and the owning group; without one (a minimal ACL) they
  // are not limited.
  std::uint16_t mask = 0x07;
  for (std::size_t at = kHeaderBytes; at < bytes; at += kEntryBytes) {
    if (little(buffer.data() + at, 2) == kMask) {
      mask = static_cast<std::uint16_t>(little(buffer.data() + at + 2, 2));
    }
  }
  for (std::size_t at = kHeaderBytes; at < bytes; at += kEntryBytes) {
    const auto tag = static_cast<std::uint16_t>(little(buffer.data() + at, 2));
    const auto perm = static_cast<std::uint16_t>(little(buffer.data() + at + 2, 2));
    const std::uint32_t id = little(buffer.data() + at + 4, 4);
    const bool reads = (perm & kRead) != 0;
    const bool masked_reads = reads && (mask & kRead) != 0;
    if (tag == kOther && reads) return AclReaders::kOthers;
    if ((tag == kGroupObj || tag == kGroup) && masked_reads) return AclReaders::kOthers;
    if (tag == kUser && masked_reads && id != self) return AclReaders::kOthers;
  }
  return AclReaders::kOwnerAndSelf;
}

}  // namespace aihunt::config
