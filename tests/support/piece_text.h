#pragma once
// Generated cases for text scanners: texts made of pieces picked at random (a fixed seed, so a
// failure is found again), so that keywords, separators and values meet in every order.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace aihunt::testing {

class PieceText {
 public:
  PieceText(std::vector<std::string> pieces, std::uint64_t seed)
      : pieces_(std::move(pieces)), state_(seed) {}

  // One to `max_pieces` pieces, joined.
  std::string next(std::size_t max_pieces) {
    std::string text;
    const std::size_t count = 1 + draw() % max_pieces;
    for (std::size_t i = 0; i < count; ++i) text += pieces_[draw() % pieces_.size()];
    return text;
  }

 private:
  std::uint64_t draw() {  // a 64-bit LCG's high bits
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return state_ >> 33U;
  }

  std::vector<std::string> pieces_;
  std::uint64_t state_;
};

}  // namespace aihunt::testing
