#pragma once
// What QRadar reference sets held when they were last read: the allow-lists SOC teams keep in
// QRadar and that exceptions can name (`match: reference_set:`). detection/ does no I/O, so the
// service layer reads the sets and hands the detection an immutable snapshot of this type.
//
// Values are kept in the form they are compared in: IP sets as the address's 16 bytes (so
// "10.0.0.1", "::ffff:10.0.0.1" and "2001:DB8::1" vs "2001:db8:0:0::1" compare as the
// addresses they are), ALNIC sets ASCII-lowered (QRadar's ALNIC is "alphanumeric, ignore case"),
// every other type (ALN, NUM, PORT, DATE) byte for byte.
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "detection/cidr.h"

namespace aihunt::detection {

// Which of a finding's fields is looked up in the set.
// Named as findings name them (and outputs.reference_sets does).
enum class ReferenceField { kSourceIp, kUsername, kHost };
std::string_view referenceFieldName(ReferenceField field);
std::optional<ReferenceField> referenceFieldFromName(std::string_view name);

class ReferenceSetContents {
 public:
  // Adds (or replaces) a set. `element_type` as QRadar names it: ALN, ALNIC, IP, NUM, PORT,
  // DATE. Values an IP set cannot hold (not an address) are skipped and counted.
  void put(const std::string& name, std::string_view element_type,
           const std::vector<std::string>& values);

  [[nodiscard]] bool known(std::string_view name) const;
  // True for a known set of element type IP.
  [[nodiscard]] bool holdsAddresses(std::string_view name) const;
  // Whether `value` is in set `name`; nullopt when the set was never read (unknown).
  [[nodiscard]] std::optional<bool> contains(std::string_view name, std::string_view value) const;
  // The same for an address already parsed (source_ip); false in a set that is not of type IP.
  [[nodiscard]] std::optional<bool> contains(std::string_view name, const IpAddress& address) const;
  // Values held by set `name` (0 when unknown) and values an IP set skipped.
  [[nodiscard]] std::size_t size(std::string_view name) const;
  [[nodiscard]] std::size_t skipped(std::string_view name) const;

 private:
  struct Set {
    bool ip = false;
    bool ignore_case = false;
    std::unordered_set<std::string> values;  // canonical form, see above
    std::size_t skipped = 0;
  };
  [[nodiscard]] const Set* find(std::string_view name) const;

  std::map<std::string, Set, std::less<>> sets_;
};

// Snapshots are shared between the refresher and the hunts that started with them.
using ReferenceSetSnapshot = std::shared_ptr<const ReferenceSetContents>;

}  // namespace aihunt::detection
