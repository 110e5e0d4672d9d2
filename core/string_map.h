#pragma once
// Hash maps keyed by std::string that can be searched with a std::string_view without
// allocating (C++20 heterogeneous lookup): the hot path looks up every row's values.
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace aihunt::core {

struct TransparentStringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};

template <typename Value>
using StringMap = std::unordered_map<std::string, Value, TransparentStringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, TransparentStringHash, std::equal_to<>>;

}  // namespace aihunt::core
