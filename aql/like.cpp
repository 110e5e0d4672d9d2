#include "aql/like.h"

#include "core/text.h"

namespace aihunt::aql {
namespace {

bool equalsFolded(std::string_view a, std::string_view lower_b, bool icase) {
  if (a.size() != lower_b.size()) return false;
  if (!icase) return a == lower_b;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (core::asciiLower(a[i]) != lower_b[i]) return false;
  }
  return true;
}

}  // namespace

LikePattern::LikePattern(std::string_view pattern, bool case_insensitive)
    : icase_(case_insensitive) {
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size() &&
        (pattern[i + 1] == '%' || pattern[i + 1] == '_' || pattern[i + 1] == '\\')) {
      tokens_.push_back(static_cast<unsigned char>(pattern[++i]));
    } else if (c == '%') {
      if (tokens_.empty() || tokens_.back() != kAny) tokens_.push_back(kAny);  // "%%" is "%"
    } else if (c == '_') {
      tokens_.push_back(kOne);
    } else {
      tokens_.push_back(static_cast<unsigned char>(c));
    }
  }
  for (int& t : tokens_) {
    if (t < 256) {
      if (t >= 'A' && t <= 'Z') has_upper_ = true;
      if (icase_) t = static_cast<unsigned char>(core::asciiLower(static_cast<char>(t)));
    }
  }
  // Recognise the shapes hunts use ('%host%', 'prefix%', ...) for a plain substring search.
  std::size_t first = 0;
  std::size_t last = tokens_.size();
  const bool leading = last > 0 && tokens_[0] == kAny;
  const bool trailing = last > (leading ? 1u : 0u) && tokens_[last - 1] == kAny;
  if (leading) ++first;
  if (trailing) --last;
  bool plain = true;
  for (std::size_t i = first; i < last; ++i) {
    if (tokens_[i] >= 256) {
      plain = false;
      break;
    }
    literal_.push_back(static_cast<char>(tokens_[i]));
  }
  if (!plain) {
    literal_.clear();
    shape_ = Shape::kGeneral;
  } else if (leading && trailing) {
    shape_ = Shape::kContains;
  } else if (leading) {
    shape_ = Shape::kSuffix;
  } else if (trailing) {
    shape_ = Shape::kPrefix;
  } else {
    shape_ = Shape::kExact;
  }
}

bool LikePattern::matches(std::string_view text) const {
  switch (shape_) {
    case Shape::kExact:
      return equalsFolded(text, literal_, icase_);
    case Shape::kPrefix:
      return text.size() >= literal_.size() &&
             equalsFolded(text.substr(0, literal_.size()), literal_, icase_);
    case Shape::kSuffix:
      return text.size() >= literal_.size() &&
             equalsFolded(text.substr(text.size() - literal_.size()), literal_, icase_);
    case Shape::kContains:
      return icase_ ? core::icontainsLower(text, literal_)
                    : text.find(literal_) != std::string_view::npos;
    case Shape::kGeneral:
      return generalMatch(text);
  }
  return false;
}

// Greedy matching that remembers only the last '%': when a later literal fails, the last '%'
// absorbs one more byte. This is linear in practice and never exponential.
bool LikePattern::generalMatch(std::string_view text) const {
  std::size_t t = 0;
  std::size_t p = 0;
  std::size_t star_p = std::string::npos;
  std::size_t star_t = 0;
  while (t < text.size()) {
    if (p < tokens_.size() && tokens_[p] != kAny) {
      const int want = tokens_[p];
      const char have = icase_ ? core::asciiLower(text[t]) : text[t];
      if (want == kOne || want == static_cast<unsigned char>(have)) {
        ++p;
        ++t;
        continue;
      }
    } else if (p < tokens_.size()) {  // '%'
      star_p = p++;
      star_t = t;
      continue;
    }
    if (star_p == std::string::npos) return false;
    p = star_p + 1;
    t = ++star_t;
  }
  while (p < tokens_.size() && tokens_[p] == kAny) ++p;
  return p == tokens_.size();
}

}  // namespace aihunt::aql
