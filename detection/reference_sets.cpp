#include "detection/reference_sets.h"

#include "core/text.h"

namespace aihunt::detection {
namespace {

std::string addressKey(const IpAddress& address) {
  return {reinterpret_cast<const char*>(address.bytes.data()), address.bytes.size()};
}

}  // namespace

std::string_view referenceFieldName(ReferenceField field) {
  switch (field) {
    case ReferenceField::kSourceIp:
      return "source_ip";
    case ReferenceField::kUsername:
      return "username";
    case ReferenceField::kHost:
      return "host";
  }
  return "source_ip";
}

std::optional<ReferenceField> referenceFieldFromName(std::string_view name) {
  for (const auto field :
       {ReferenceField::kSourceIp, ReferenceField::kUsername, ReferenceField::kHost}) {
    if (name == referenceFieldName(field)) return field;
  }
  return std::nullopt;
}

void ReferenceSetContents::put(const std::string& name, std::string_view element_type,
                               const std::vector<std::string>& values) {
  Set set;
  set.ip = core::iequals(element_type, "IP");
  set.ignore_case = core::iequals(element_type, "ALNIC");
  set.values.reserve(values.size());
  for (const auto& value : values) {
    if (set.ip) {
      if (auto address = parseIpAddress(core::trim(value))) {
        set.values.insert(addressKey(*address));
      } else {
        ++set.skipped;
      }
    } else if (set.ignore_case) {
      set.values.insert(core::asciiLowered(value));
    } else {
      set.values.insert(value);
    }
  }
  sets_[name] = std::move(set);
}

const ReferenceSetContents::Set* ReferenceSetContents::find(std::string_view name) const {
  const auto it = sets_.find(name);
  return it == sets_.end() ? nullptr : &it->second;
}

bool ReferenceSetContents::known(std::string_view name) const { return find(name) != nullptr; }

bool ReferenceSetContents::holdsAddresses(std::string_view name) const {
  const Set* set = find(name);
  return set != nullptr && set->ip;
}

std::optional<bool> ReferenceSetContents::contains(std::string_view name,
                                                   std::string_view value) const {
  const Set* set = find(name);
  if (set == nullptr) return std::nullopt;
  if (value.empty()) return false;
  if (set->ip) {
    const auto address = parseIpAddress(value);
    return address && set->values.count(addressKey(*address)) != 0;
  }
  if (set->ignore_case) return set->values.count(core::asciiLowered(value)) != 0;
  return set->values.count(std::string(value)) != 0;
}

std::optional<bool> ReferenceSetContents::contains(std::string_view name,
                                                   const IpAddress& address) const {
  const Set* set = find(name);
  if (set == nullptr) return std::nullopt;
  if (!set->ip) return false;
  return set->values.count(addressKey(address)) != 0;
}

std::size_t ReferenceSetContents::size(std::string_view name) const {
  const Set* set = find(name);
  return set == nullptr ? 0 : set->values.size();
}

std::size_t ReferenceSetContents::skipped(std::string_view name) const {
  const Set* set = find(name);
  return set == nullptr ? 0 : set->skipped;
}

}  // namespace aihunt::detection
