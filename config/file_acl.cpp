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

AclAccess aclAccess(int fd, uid_t self) {
  AclAccess access;
  // 32 entries is far more than any ACL a credential or a token file carries.
  std::array<unsigned char, kHeaderBytes + 32 * kEntryBytes> buffer{};
  const ssize_t size = ::fgetxattr(fd, "system.posix_acl_access", buffer.data(), buffer.size());
  if (size < 0) {
    access.readers =
        errno == ENODATA || errno == ENOTSUP ? AclReaders::kNoAcl : AclReaders::kOthers;
    return access;
  }
  const auto bytes = static_cast<std::size_t>(size);
  if (bytes < kHeaderBytes || (bytes - kHeaderBytes) % kEntryBytes != 0 ||
      little(buffer.data(), 4) != kAclVersion) {
    access.readers = AclReaders::kOthers;
    return access;
  }
  // The mask limits every named entry and the owning group; without one (a minimal ACL) they
  // are not limited.
  std::uint16_t mask = 0x07;
  for (std::size_t at = kHeaderBytes; at < bytes; at += kEntryBytes) {
    if (little(buffer.data() + at, 2) == kMask) {
      mask = static_cast<std::uint16_t>(little(buffer.data() + at + 2, 2));
    }
  }
  access.readers = AclReaders::kOwnerAndSelf;
  for (std::size_t at = kHeaderBytes; at < bytes; at += kEntryBytes) {
    const auto tag = static_cast<std::uint16_t>(little(buffer.data() + at, 2));
    const auto perm = static_cast<std::uint16_t>(little(buffer.data() + at + 2, 2));
    const std::uint32_t id = little(buffer.data() + at + 4, 4);
    // The owner's entry and this user's are theirs; every other entry is someone else's, the
    // named ones and the owning group's limited by the mask.
    const bool someone_else =
        tag == kOther || tag == kGroupObj || tag == kGroup || (tag == kUser && id != self);
    if (!someone_else) continue;
    const std::uint16_t granted = tag == kOther ? perm : static_cast<std::uint16_t>(perm & mask);
    if ((granted & kRead) != 0) access.readers = AclReaders::kOthers;
    if ((granted & ~kRead & 0x07) != 0) access.others_write = true;
  }
  return access;
}

}  // namespace aihunt::config
