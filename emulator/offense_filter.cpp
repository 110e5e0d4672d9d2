#include "emulator/offense_filter.h"

#include <algorithm>
#include <charconv>

#include "core/text.h"
#include "emulator/request_parsing.h"

namespace aihunt::emulator {
namespace {

core::Error filterError(std::string why) {
  return core::makeError(core::ErrorCode::kParse, "filter: " + std::move(why));
}

bool isFieldChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

class FilterLexer {
 public:
  explicit FilterLexer(std::string_view text) : text_(text) {}
  void skipSpace() {
    while (pos_ < text_.size() && text_[pos_] == ' ') ++pos_;
  }
  bool atEnd() {
    skipSpace();
    return pos_ >= text_.size();
  }
  std::string word() {
    skipSpace();
    const std::size_t start = pos_;
    while (pos_ < text_.size() && isFieldChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  std::string op() {
    skipSpace();
    for (std::string_view candidate : {"!=", "<=", ">=", "=", "<", ">"}) {
      if (text_.substr(pos_, candidate.size()) == candidate) {
        pos_ += candidate.size();
        return std::string(candidate);
      }
    }
    return "";
  }
  core::Result<nlohmann::json> value() {
    skipSpace();
    if (pos_ >= text_.size()) return filterError("missing value");
    const char quote = text_[pos_];
    if (quote == '"' || quote == '\'') {
      const std::size_t close = text_.find(quote, pos_ + 1);
      if (close == std::string_view::npos) return filterError("unterminated string");
      std::string raw(text_.substr(pos_ + 1, close - pos_ - 1));
      pos_ = close + 1;
      if (raw.find('%') != std::string::npos) {
        auto decoded = percentDecode(raw, false);
        if (decoded.ok()) raw = std::move(*decoded);
      }
      return nlohmann::json(raw);
    }
    const std::string bare = word();
    if (bare.empty()) return filterError("expected a value");
    std::int64_t number = 0;
    auto [end, ec] = std::from_chars(bare.data(), bare.data() + bare.size(), number);
    if (ec == std::errc() && end == bare.data() + bare.size()) return nlohmann::json(number);
    if (bare == "true" || bare == "false") return nlohmann::json(bare == "true");
    return nlohmann::json(bare);
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

int compare(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number() && b.is_number()) {
    const double x = a.get<double>();
    const double y = b.get<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  const std::string x = a.is_string() ? a.get<std::string>() : a.dump();
  const std::string y = b.is_string() ? b.get<std::string>() : b.dump();
  return x.compare(y) < 0 ? -1 : (x == y ? 0 : 1);
}

bool holds(const FilterCondition& condition, const nlohmann::json& object) {
  if (!object.is_object() || !object.contains(condition.field)) return false;
  const int c = compare(object[condition.field], condition.value);
  if (condition.op == "=") return c == 0;
  if (condition.op == "!=") return c != 0;
  if (condition.op == "<") return c < 0;
  if (condition.op == ">") return c > 0;
  if (condition.op == "<=") return c <= 0;
  return c >= 0;
}

}  // namespace

bool Filter::matches(const nlohmann::json& object) const {
  if (any_of.empty()) return true;
  return std::any_of(any_of.begin(), any_of.end(), [&object](const auto& all_of) {
    return std::all_of(all_of.begin(), all_of.end(),
                       [&object](const FilterCondition& c) { return holds(c, object); });
  });
}

core::Result<Filter> parseFilter(std::string_view text) {
  if (text.size() > 4096) return filterError("longer than 4096 characters");
  Filter filter;
  FilterLexer lexer(text);
  if (lexer.atEnd()) return filter;
  filter.any_of.emplace_back();
  for (std::size_t count = 0;; ++count) {
    if (count > 64) return filterError("more than 64 conditions");
    FilterCondition condition;
    condition.field = lexer.word();
    if (condition.field.empty()) return filterError("expected a field name");
    condition.op = lexer.op();
    if (condition.op.empty())
      return filterError("expected = != < > <= or >= after " + condition.field);
    auto value = lexer.value();
    if (!value.ok()) return value.error();
    condition.value = std::move(*value);
    filter.any_of.back().push_back(std::move(condition));
    if (lexer.atEnd()) break;
    const std::string joiner = core::asciiLowered(lexer.word());
    if (joiner == "or") {
      filter.any_of.emplace_back();
    } else if (joiner != "and") {
      return filterError("expected and / or");
    }
  }
  return filter;
}

core::Result<std::vector<SortKey>> parseSort(std::string_view text) {
  std::vector<SortKey> keys;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    std::string_view part = core::trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (part.empty()) continue;
    SortKey key;
    if (part.front() == '+' || part.front() == '-') {
      key.descending = part.front() == '-';
      part.remove_prefix(1);
    }
    if (part.empty() || !std::all_of(part.begin(), part.end(), isFieldChar)) {
      return core::makeError(core::ErrorCode::kParse, "sort: bad field");
    }
    key.field = std::string(part);
    keys.push_back(std::move(key));
    if (keys.size() > 16) return core::makeError(core::ErrorCode::kParse, "sort: too many keys");
  }
  return keys;
}

void sortObjects(std::vector<nlohmann::json>& objects, const std::vector<SortKey>& keys) {
  std::stable_sort(
      objects.begin(), objects.end(), [&keys](const nlohmann::json& a, const nlohmann::json& b) {
        for (const SortKey& key : keys) {
          const int c =
              compare(a.value(key.field, nlohmann::json()), b.value(key.field, nlohmann::json()));
          if (c != 0) return key.descending ? c > 0 : c < 0;
        }
        return false;
      });
}

}  // namespace aihunt::emulator
