#pragma once
// Who may read a file by its POSIX access ACL. A file with an ACL shows the ACL's mask in the
// group bits of its mode, so those bits alone cannot say whether a group may read it: systemd
// hands a unit its credentials (LoadCredential=) as root's files with an ACL entry for the
// unit's user, which reads as mode 0440 (https://systemd.io/CREDENTIALS/).
#include <sys/types.h>

namespace aihunt::config {

enum class AclReaders {
  kNoAcl,         // no access ACL beyond the mode (or a file system without ACLs): use the mode
  kOwnerAndSelf,  // read only by the owner and `self` (its named user entry)
  kOthers,        // a named group, the owning group, another named user, or others may read
};

struct AclAccess {
  AclReaders readers = AclReaders::kNoAcl;
  bool others_write = false;  // someone but the owner and `self` may write (or run) it
};

// Reads the ACL of the open file `fd` (system.posix_acl_access). An ACL that cannot be read or
// parsed counts as kOthers: a token file is then held to the strict rule.
AclAccess aclAccess(int fd, uid_t self);

}  // namespace aihunt::config
