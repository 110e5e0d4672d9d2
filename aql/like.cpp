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
  bool ones = false;  // '_' in the body, and no '%'
  for (std::size_t i = first; i < last; ++i) {
    if (tokens_[i] == kAny) {
      plain = false;
      ones = false;
      break;
    }
    if (tokens_[i] == kOne) {
      plain = false;
      ones = true;
    }
    literal_.push_back(tokens_[i] == kOne ? '_' : static_cast<char>(tokens_[i]));
    one_.push_back(tokens_[i] == kOne ? '\1' : '\0');
  }
  if (plain) one_.clear();  // only kContainsOne reads it
  if (plain && leading && trailing) anchor_size_ = literal_.size();
  if (!plain && ones && leading && trailing && icase_) {
    // The longest run without '_': the rarest part to scan for, as a rule.
    std::size_t run_start = 0;
    for (std::size_t i = 0; i <= one_.size(); ++i) {
      if (i < one_.size() && one_[i] == '\0') continue;
      if (i - run_start > anchor_size_) {
        anchor_offset_ = run_start;
        anchor_size_ = i - run_start;
      }
      run_start = i + 1;
    }
  }
  if (!plain && anchor_size_ > 0) {
    shape_ = Shape::kContainsOne;
  } else if (!plain) {
    literal_.clear();
    one_.clear();
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
    case Shape::kContainsOne: {
      const std::string_view run = icaseAnchor().run;
      for (std::size_t at = core::ifindLower(text, run); at != std::string_view::npos;
           at = core::ifindLower(text, run, at + 1)) {
        if (at >= anchor_offset_ && bodyMatchesAt(text, at - anchor_offset_)) return true;
      }
      return false;
    }
    case Shape::kGeneral:
      return generalMatch(text);
  }
  return false;
}

LikePattern::Anchor LikePattern::icaseAnchor() const {
  if ((shape_ != Shape::kContains || !icase_) && shape_ != Shape::kContainsOne) return {};
  return Anchor{std::string_view(literal_).substr(anchor_offset_, anchor_size_), anchor_offset_};
}

bool LikePattern::bodyMatchesAt(std::string_view text, std::size_t start) const {
  if (start > text.size() || literal_.size() > text.size() - start) return false;
  for (std::size_t i = 0; i < literal_.size(); ++i) {
    if (one_.empty() || one_[i] == '\0') {
      const char have = icase_ ? core::asciiLower(text[start + i]) : text[start + i];
      if (have != literal_[i]) return false;
    }
  }
  return true;
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
