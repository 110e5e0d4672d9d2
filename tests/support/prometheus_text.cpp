#include "tests/support/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <stdexcept>
#include <utility>

#include "core/text.h"

namespace aihunt::testing {

namespace {

// Internal only: parsePrometheusText turns it into an Error.
struct SyntaxError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool isNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }
bool isBlank(char c) { return c == ' ' || c == '\t'; }

bool isMetricName(std::string_view name) {
  if (name.empty() || !(isNameStart(name[0]) || name[0] == ':')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return isNameStart(c) || isDigit(c) || c == ':'; });
}

bool isLabelName(std::string_view name) {
  if (name.empty() || !isNameStart(name[0])) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return isNameStart(c) || isDigit(c); });
}

// NaN, +Inf, -Inf, or a decimal float ([+-]digits[.digits][e[+-]digits], or .digits).
std::optional<double> parseFloat(std::string_view text) {
  if (text == "NaN") return std::nan("");
  if (text == "+Inf") return HUGE_VAL;
  if (text == "-Inf") return -HUGE_VAL;
  std::string_view body = text;
  if (!body.empty() && body[0] == '+') body.remove_prefix(1);
  std::string_view unsigned_body = body;
  if (!unsigned_body.empty() && unsigned_body[0] == '-') unsigned_body.remove_prefix(1);
  if (unsigned_body.empty() || !(isDigit(unsigned_body[0]) || unsigned_body[0] == '.')) {
    return std::nullopt;
  }
  double value = 0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), value);
  if (ec != std::errc() || end != body.data() + body.size()) return std::nullopt;
  return value;
}

std::optional<std::int64_t> parseTimestamp(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string unescapeHelp(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (i + 1 == text.size()) throw SyntaxError("HELP text ends with a lone backslash");
    const char next = text[++i];
    if (next == '\\') {
      out += '\\';
    } else if (next == 'n') {
      out += '\n';
    } else {
      throw SyntaxError(std::string("bad escape in HELP: \\") + next);
    }
  }
  return out;
}

// Splits "a b\tc" on runs of blanks.
std::vector<std::string_view> tokens(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && isBlank(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !isBlank(text[i])) ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

struct FamilyState {
  std::size_t index = 0;  // into PromExposition::families
  bool has_type = false;
  bool has_help = false;
  bool samples_started = false;
  bool samples_ended = false;  // another family's samples came after this one's
};

class Parser {
 public:
  PromExposition run(std::string_view text) {
    if (!core::isValidUtf8(text)) throw SyntaxError("not UTF-8");
    if (!text.empty() && text.back() != '\n') throw SyntaxError("the last line has no line feed");
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      ++line_number_;
      line(text.substr(start, end - start));
      start = end + 1;
    }
    line_number_ = 0;
    for (const PromFamily& family : exposition_.families) {
      if (family.type == "histogram") checkHistogram(family);
    }
    return std::move(exposition_);
  }

  [[nodiscard]] std::size_t lineNumber() const { return line_number_; }

 private:
  FamilyState& state(std::string_view name) {
    auto it = states_.find(name);
    if (it == states_.end()) {
      exposition_.families.push_back(PromFamily{std::string(name), "untyped", std::nullopt, {}});
      it = states_.emplace(std::string(name), FamilyState{exposition_.families.size() - 1}).first;
    }
    return it->second;
  }

  void line(std::string_view text) {
    const std::vector<std::string_view> parts = tokens(text);
    if (parts.empty()) return;  // blank lines are allowed
    if (parts[0][0] == '#') {
      comment(text, parts);
    } else {
      sample(text);
    }
  }

  void comment(std::string_view text, const std::vector<std::string_view>& parts) {
    if (parts[0] != "#" || parts.size() < 2 || (parts[1] != "HELP" && parts[1] != "TYPE")) {
      return;  // a plain comment
    }
    if (parts.size() < 3) throw SyntaxError(std::string(parts[1]) + " without a metric name");
    const std::string_view name = parts[2];
    if (!isMetricName(name)) throw SyntaxError("bad metric name '" + std::string(name) + "'");
    FamilyState& family_state = state(name);
    if (family_state.samples_started) {
      throw SyntaxError(std::string(parts[1]) + " for '" + std::string(name) +
                        "' after its samples");
    }
    PromFamily& family = exposition_.families[family_state.index];
    if (parts[1] == "TYPE") {
      if (parts.size() != 4) throw SyntaxError("TYPE needs exactly a name and a type");
      static const std::set<std::string_view> kTypes = {"counter", "gauge", "histogram", "summary",
                                                        "untyped"};
      if (kTypes.count(parts[3]) == 0) {
        throw SyntaxError("unknown type '" + std::string(parts[3]) + "'");
      }
      if (family_state.has_type) throw SyntaxError("second TYPE for '" + std::string(name) + "'");
      family_state.has_type = true;
      family.type = std::string(parts[3]);
      return;
    }
    if (family_state.has_help) throw SyntaxError("second HELP for '" + std::string(name) + "'");
    family_state.has_help = true;
    // The docstring is everything after the name and the blanks that follow it.
    std::size_t at = static_cast<std::size_t>(parts[2].data() - text.data()) + parts[2].size();
    while (at < text.size() && isBlank(text[at])) ++at;
    family.help = unescapeHelp(text.substr(at));
  }

  // Which TYPE'd family a sample name belongs to.
  FamilyState& owner(const std::string& sample_name) {
    for (const std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (sample_name.size() <= suffix.size() ||
          sample_name.compare(sample_name.size() - suffix.size(), suffix.size(), suffix) != 0) {
        continue;
      }
      const std::string base = sample_name.substr(0, sample_name.size() - suffix.size());
      const auto it = states_.find(base);
      if (it == states_.end() || !it->second.has_type) continue;
      const std::string& type = exposition_.families[it->second.index].type;
      if (type == "histogram" || (type == "summary" && suffix != "_bucket")) return it->second;
    }
    const auto it = states_.find(sample_name);
    if (it == states_.end() || !it->second.has_type) {
      throw SyntaxError("sample '" + sample_name + "' has no TYPE'd family");
    }
    const std::string& type = exposition_.families[it->second.index].type;
    if (type == "histogram") {
      throw SyntaxError("histogram sample '" + sample_name + "' without _bucket/_sum/_count");
    }
    return it->second;
  }

  std::string labelValue(std::string_view text, std::size_t& at) {
    std::string out;
    while (true) {
      if (at >= text.size()) throw SyntaxError("unterminated label value");
      const char c = text[at++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (at >= text.size()) throw SyntaxError("unterminated label value");
      const char next = text[at++];
      if (next == '\\') {
        out += '\\';
      } else if (next == '"') {
        out += '"';
      } else if (next == 'n') {
        out += '\n';
      } else {
        throw SyntaxError(std::string("bad escape in label value: \\") + next);
      }
    }
  }

  PromLabels labels(std::string_view text, std::size_t& at) {
    PromLabels out;
    ++at;  // '{'
    while (true) {
      if (at < text.size() && text[at] == '}') {
        ++at;
        return out;
      }
      const std::size_t name_start = at;
      while (at < text.size() && (isNameStart(text[at]) || isDigit(text[at]))) ++at;
      const std::string name(text.substr(name_start, at - name_start));
      if (!isLabelName(name)) throw SyntaxError("bad label name '" + name + "'");
      if (at >= text.size() || text[at] != '=') throw SyntaxError("expected '=' after " + name);
      ++at;
      if (at >= text.size() || text[at] != '"') throw SyntaxError("expected '\"' after =");
      ++at;
      std::string value = labelValue(text, at);
      if (!out.emplace(name, std::move(value)).second) {
        throw SyntaxError("label '" + name + "' twice");
      }
      if (at < text.size() && text[at] == ',') {
        ++at;
      } else if (at >= text.size() || text[at] != '}') {
        throw SyntaxError("expected ',' or '}' after a label");
      }
    }
  }

  void sample(std::string_view text) {
    std::size_t at = 0;
    while (at < text.size() && isBlank(text[at])) ++at;
    const std::size_t name_start = at;
    while (at < text.size() && !isBlank(text[at]) && text[at] != '{') ++at;
    PromSample sample;
    sample.name = std::string(text.substr(name_start, at - name_start));
    if (!isMetricName(sample.name)) throw SyntaxError("bad metric name '" + sample.name + "'");
    if (at < text.size() && text[at] == '{') sample.labels = labels(text, at);
    if (at >= text.size() || !isBlank(text[at])) throw SyntaxError("expected a blank and a value");
    const std::vector<std::string_view> rest = tokens(text.substr(at));
    if (rest.empty() || rest.size() > 2) throw SyntaxError("expected a value and a timestamp");
    const std::optional<double> value = parseFloat(rest[0]);
    if (!value) throw SyntaxError("bad value '" + std::string(rest[0]) + "'");
    sample.value = *value;
    if (rest.size() == 2) {
      sample.timestamp_ms = parseTimestamp(rest[1]);
      if (!sample.timestamp_ms) throw SyntaxError("bad timestamp '" + std::string(rest[1]) + "'");
    }

    FamilyState& family_state = owner(sample.name);
    if (family_state.samples_ended) {
      throw SyntaxError("samples of '" + exposition_.families[family_state.index].name +
                        "' are not in one group");
    }
    if (current_ != nullptr && current_ != &family_state) current_->samples_ended = true;
    current_ = &family_state;
    family_state.samples_started = true;
    PromFamily& family = exposition_.families[family_state.index];
    if (family.type == "counter" && !(sample.value >= 0) && !std::isnan(sample.value)) {
      throw SyntaxError("negative counter '" + sample.name + "'");
    }
    const bool is_bucket = family.type == "histogram" && sample.name == family.name + "_bucket";
    if (family.type == "histogram" && is_bucket != (sample.labels.count("le") == 1)) {
      throw SyntaxError("'le' belongs on histogram buckets only: '" + sample.name + "'");
    }
    if (!seen_.emplace(sample.name, sample.labels).second) {
      throw SyntaxError("duplicate sample '" + sample.name + "'");
    }
    family.samples.push_back(std::move(sample));
  }

  static void checkHistogram(const PromFamily& family) {
    struct Group {
      std::vector<std::pair<double, double>> buckets;  // le, cumulative count
      std::optional<double> sum;
      std::optional<double> count;
    };
    std::map<PromLabels, Group> groups;
    for (const PromSample& sample : family.samples) {
      PromLabels key = sample.labels;
      if (sample.name == family.name + "_bucket") {
        const std::string le = key["le"];
        key.erase("le");
        const std::optional<double> bound = parseFloat(le);
        if (!bound || std::isnan(*bound)) {
          throw SyntaxError(family.name + ": bad le '" + le + "'");
        }
        if (!(sample.value >= 0) || std::isinf(sample.value)) {
          throw SyntaxError(family.name + ": bad bucket count");
        }
        Group& group = groups[key];
        if (!group.buckets.empty()) {
          if (!(*bound > group.buckets.back().first)) {
            throw SyntaxError(family.name + ": buckets not in ascending le order");
          }
          if (sample.value < group.buckets.back().second) {
            throw SyntaxError(family.name + ": buckets are not cumulative at le=" + le);
          }
        }
        group.buckets.emplace_back(*bound, sample.value);
      } else if (sample.name == family.name + "_sum") {
        groups[key].sum = sample.value;
      } else {
        groups[key].count = sample.value;
      }
    }
    for (const auto& [labels, group] : groups) {
      if (group.buckets.empty() || !std::isinf(group.buckets.back().first)) {
        throw SyntaxError(family.name + ": no +Inf bucket");
      }
      if (!group.sum || !group.count) throw SyntaxError(family.name + ": no _sum or _count");
      if (*group.count != group.buckets.back().second) {
        throw SyntaxError(family.name + ": _count differs from the +Inf bucket");
      }
    }
  }

  PromExposition exposition_;
  std::map<std::string, FamilyState, std::less<>> states_;
  std::set<std::pair<std::string, PromLabels>> seen_;
  FamilyState* current_ = nullptr;
  std::size_t line_number_ = 0;
};

}  // namespace

const PromFamily* PromExposition::family(std::string_view name) const {
  for (const PromFamily& candidate : families) {
    if (candidate.name == name) return &candidate;
  }
  return nullptr;
}

std::optional<double> PromExposition::value(std::string_view sample_name,
                                            const PromLabels& labels) const {
  for (const PromFamily& candidate : families) {
    for (const PromSample& sample : candidate.samples) {
      if (sample.name == sample_name && sample.labels == labels) return sample.value;
    }
  }
  return std::nullopt;
}

core::Result<PromExposition> parsePrometheusText(std::string_view text) {
  Parser parser;
  try {
    return parser.run(text);
  } catch (const SyntaxError& e) {
    const std::string where =
        parser.lineNumber() > 0 ? "line " + std::to_string(parser.lineNumber()) + ": " : "";
    return core::makeError(core::ErrorCode::kParse, where + e.what());
  }
}

}  // namespace aihunt::testing
