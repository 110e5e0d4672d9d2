#include "config/yaml_tree.h"

#include <yaml.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "config/yaml_text.h"
#include "core/text.h"

namespace aihunt::config {
namespace {

// libyaml (Debian's libyaml-0-2, the reference C parser) reads the text as a stream of events;
// the builder below turns them into our tree. yaml-cpp 0.7 spun forever on some malformed
// inputs, which config_fuzz kept finding however the text was screened; libyaml's scanner
// always advances, and the builder bounds everything it keeps.

YamlMark toMark(const yaml_mark_t& mark) {
  return {static_cast<int>(mark.line) + 1, static_cast<int>(mark.column) + 1};
}

// Keys are user text that ends up in paths and messages: keep them printable and short.
std::string keyForPath(std::string_view key) { return core::printableExcerpt(key, 64); }

std::string_view viewOf(const yaml_char_t* text, std::size_t length) {
  return {reinterpret_cast<const char*>(text), length};
}

std::string_view viewOf(const yaml_char_t* text) {
  return text == nullptr ? std::string_view{}
                         : std::string_view(reinterpret_cast<const char*>(text));
}

// What YAML's core schema reads as null when written plain and untagged (yaml-cpp's reading too).
bool isNullWord(std::string_view value) {
  return value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL";
}

// The owner of a libyaml parser, so that every way out frees it.
class Parser {
 public:
  explicit Parser(std::string_view text) {
    ready_ = yaml_parser_initialize(&parser_) != 0;
    if (ready_) {
      yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                   text.size());
    }
  }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  ~Parser() {
    if (ready_) yaml_parser_delete(&parser_);
  }
  [[nodiscard]] bool ready() const { return ready_; }
  yaml_parser_t& get() { return parser_; }

 private:
  yaml_parser_t parser_{};
  bool ready_ = false;
};

class Event {
 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  ~Event() { yaml_event_delete(&event_); }
  yaml_event_t& get() { return event_; }

 private:
  yaml_event_t event_{};
};

class TreeBuilder {
 public:
  TreeBuilder(std::string_view text, Diagnostics& diagnostics, const YamlLimits& limits)
      : prepared_(prepareYamlText(text, kMaxDirectives)),
        text_(prepared_.text),
        diagnostics_(diagnostics),
        limits_(limits) {}

  YamlNode build() {
    if (prepared_.excess_directive_line > 0) {
      // libyaml compares each %TAG directive with every one before it: a file of them costs
      // minutes. A config needs none.
      diagnostics_.error("",
                         "more than " + std::to_string(kMaxDirectives) +
                             " YAML directives (lines that start with '%'); a config needs none",
                         YamlMark{prepared_.excess_directive_line, 1});
      return {};
    }
    Parser parser(text_);
    if (!parser.ready()) {
      diagnostics_.error("", "out of memory while parsing YAML");
      return {};
    }
    for (;;) {
      Event event;
      if (yaml_parser_parse(&parser.get(), &event.get()) == 0) {
        reportParserError(parser.get());
        return {};
      }
      const yaml_event_type_t type = event.get().type;
      // No event: the parser has nothing more to give (past its end, or after an error it
      // already reported); asking again would loop.
      if (type == YAML_STREAM_END_EVENT || type == YAML_NO_EVENT) break;
      if (!consume(event.get())) return {};
    }
    if (documents_ > 1) {
      diagnostics_.error("",
                         "expected one YAML document, found " + std::to_string(documents_) +
                             " (the second starts at line " +
                             std::to_string(second_document_.line) + "; remove the '---' lines)",
                         second_document_);
      return {};
    }
    // `owner: &ops team` reads as "team" with an anchor: a name no alias uses is most likely a
    // value that started with '&' and needed quotes.
    for (const auto& [name, use] : anchor_use_) {
      if (use.used) continue;
      diagnostics_.warning(use.path,
                           "anchor &" + keyForPath(name) +
                               " is not used by any alias (quote a value that starts with '&')",
                           use.mark);
    }
    return std::move(root_);
  }

 private:
  // A collection being filled. Map entries come as key, value, key, value...
  struct Frame {
    YamlNode node;
    std::string anchor;
    bool awaiting_value = false;  // a key has been read
    bool drop_value = false;      // ...and refused: its value is built, then dropped
    std::string key;
    YamlMark key_mark;
    std::unordered_set<std::string> keys;  // duplicate checks in O(1): maps may be long
  };

  struct AnchorUse {
    std::string path;
    YamlMark mark;
    bool used = false;
  };

  // A tag of YAML's own (!!str, !!int...) or the non-specific '!' is YAML; any other, such as
  // `!urgent x`, is dropped by every reader here and most likely a value that needed quotes.
  void noteTag(std::string_view tag, const YamlNode& node) {
    if (tag.empty() || tag == "!" || tag.rfind("tag:yaml.org,2002:", 0) == 0) return;
    diagnostics_.warning(node.path,
                         "tag " + keyForPath(tag) +
                             " is not YAML's and is ignored (quote a value that starts with '!')",
                         node.mark);
  }

  // The first replaced character inside the event's text (prepareYamlText), or nullptr: a
  // U+FFFD the file itself holds is text like any other.
  [[nodiscard]] const ReplacedCharacter* replacedWithin(const yaml_event_t& event) const {
    const auto& replaced = prepared_.replaced;
    const auto at = std::lower_bound(replaced.begin(), replaced.end(), event.start_mark.index,
                                     [](const ReplacedCharacter& character, std::size_t index) {
                                       return character.index < index;
                                     });
    if (at == replaced.end() || at->index >= event.end_mark.index) return nullptr;
    return &*at;
  }

  // Returns false to stop: an error was reported.
  bool consume(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (++documents_ == 2) second_document_ = toMark(event.start_mark);
        return true;
      case YAML_SCALAR_EVENT:
      case YAML_ALIAS_EVENT:
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT:
        // Later documents are only counted, for the error that names how many there are.
        if (documents_ > 1) return true;
        return startNode(event);
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        if (documents_ > 1) return true;
        return endCollection();
      default:
        return true;
    }
  }

  bool startNode(const yaml_event_t& event) {
    YamlNode node;
    node.path = pathForNext();
    node.mark = toMark(event.start_mark);
    switch (event.type) {
      case YAML_SCALAR_EVENT: {
        const auto& scalar = event.data.scalar;
        const std::string_view value = viewOf(scalar.value, scalar.length);
        const std::string_view tag = viewOf(scalar.tag);
        noteTag(tag, node);
        const bool plain = scalar.style == YAML_PLAIN_SCALAR_STYLE;
        if (plain && tag.empty() && isNullWord(value)) {
          node.kind = YamlNode::Kind::kNull;
        } else {
          node.kind = YamlNode::Kind::kScalar;
          node.scalar = std::string(value);
          // '...', "..." and block scalars are text, whatever they say (yaml-cpp's reading:
          // a tag such as !!str leaves a plain scalar plain).
          node.quoted = !plain;
        }
        if (!admit(node, 0)) return false;
        if (const ReplacedCharacter* bad = replacedWithin(event)) {
          diagnostics_.error(node.path,
                             "holds a byte that is not UTF-8 text, a control character or a "
                             "Unicode line separator (U+0085, U+2028, U+2029); save the file as "
                             "UTF-8 and retype this value",
                             bad->mark);
        }
        return finish(std::move(node), viewOf(scalar.anchor));
      }
      case YAML_ALIAS_EVENT:
        return resolveAlias(node, viewOf(event.data.alias.anchor));
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT: {
        const bool sequence = event.type == YAML_SEQUENCE_START_EVENT;
        node.kind = sequence ? YamlNode::Kind::kSequence : YamlNode::Kind::kMap;
        if (!admit(node, 0)) return false;
        const yaml_char_t* anchor =
            sequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor;
        noteTag(viewOf(sequence ? event.data.sequence_start.tag : event.data.mapping_start.tag),
                node);
        // A name given again holds the new node once it is complete; until then an alias to
        // it (inside it) names nothing, rather than the node it named before.
        if (anchor != nullptr) anchors_.erase(std::string(viewOf(anchor)));
        stack_.push_back(
            Frame{std::move(node), std::string(viewOf(anchor)), false, false, {}, {}, {}});
        return true;
      }
      default:
        return true;
    }
  }

  bool endCollection() {
    if (stack_.empty()) return true;  // libyaml pairs them; defensive only
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    return finish(std::move(frame.node), frame.anchor);
  }

  // The path the next node will have: its key's, its index's, or its parent's for a key.
  [[nodiscard]] std::string pathForNext() const {
    if (stack_.empty()) return {};
    const Frame& top = stack_.back();
    if (top.node.isSequence()) return indexPath(top.node.path, top.node.items.size());
    if (top.awaiting_value) return childPath(top.node.path, keyForPath(top.key));
    return top.node.path;
  }

  // A complete node goes to its anchor (if named) and then to its place in the parent.
  bool finish(YamlNode node, std::string_view anchor) {
    if (!anchor.empty()) {
      // The copy kept for aliases is charged to the limits too: nested anchors each keep one.
      if (!charge(node)) return false;
      anchors_[std::string(anchor)] = std::make_shared<const YamlNode>(node);
      anchor_use_[std::string(anchor)] = AnchorUse{node.path, node.mark, false};
    }
    if (stack_.empty()) {
      root_ = std::move(node);
      return true;
    }
    Frame& top = stack_.back();
    if (top.node.isSequence()) {
      top.node.items.push_back(std::move(node));
      return true;
    }
    if (!top.awaiting_value) {
      top.awaiting_value = true;
      top.drop_value = false;
      if (!node.isScalar()) {
        diagnostics_.error(top.node.path, "map keys must be plain text", node.mark);
        top.drop_value = true;
        top.key = "?";  // for the paths of what its (dropped) value holds
        return true;
      }
      top.key = std::move(node.scalar);
      top.key_mark = node.mark;
      if (!top.keys.insert(top.key).second) {
        // yaml-cpp kept one of them silently; a config that says two things is an error.
        diagnostics_.error(childPath(top.node.path, keyForPath(top.key)), "duplicate key",
                           top.key_mark);
        top.drop_value = true;
      }
      return true;
    }
    top.awaiting_value = false;
    if (!top.drop_value) {
      node.key_mark = top.key_mark;
      top.node.entries.push_back(YamlEntry{std::move(top.key), std::move(node)});
    }
    top.key.clear();
    return true;
  }

  bool resolveAlias(const YamlNode& at, std::string_view anchor) {
    ++aliases_;
    if (const auto use = anchor_use_.find(std::string(anchor)); use != anchor_use_.end()) {
      use->second.used = true;
    }
    const auto found = anchors_.find(std::string(anchor));
    if (found == anchors_.end()) {
      diagnostics_.error(at.path,
                         "alias *" + keyForPath(anchor) +
                             " names no node complete before it (an alias cannot stand inside the "
                             "node it names)",
                         at.mark);
      return false;
    }
    // Keep a reference: finish() may replace this anchor's entry while `copy` is built.
    const std::shared_ptr<const YamlNode> source = found->second;
    YamlNode copy;
    if (!copyInto(*source, at.path, copy, 0)) return false;
    copy.mark = at.mark;
    return finish(std::move(copy), {});
  }

  // An aliased node copied to its new place: its paths follow the new place, and each node and
  // byte counts against the limits, which is what stops "billion laughs".
  bool copyInto(const YamlNode& source, const std::string& path, YamlNode& out, std::size_t depth) {
    out.kind = source.kind;
    out.path = path;
    out.mark = source.mark;
    out.scalar = source.scalar;
    out.quoted = source.quoted;
    if (!admit(out, depth)) return false;
    out.items.reserve(source.items.size());
    for (std::size_t i = 0; i < source.items.size(); ++i) {
      YamlNode child;
      if (!copyInto(source.items[i], indexPath(path, i), child, depth + 1)) return false;
      out.items.push_back(std::move(child));
    }
    for (const auto& entry : source.entries) {
      if (!charge(entry.key.size(), out)) return false;  // each copy holds its keys again
      YamlNode child;
      if (!copyInto(entry.value, childPath(path, keyForPath(entry.key)), child, depth + 1)) {
        return false;
      }
      child.key_mark = entry.value.key_mark;
      out.entries.push_back(YamlEntry{entry.key, std::move(child)});
    }
    return true;
  }

  // One more node, `depth` levels below the collection being filled: counted against the
  // limits on nodes, nesting (at most max_depth lists and maps inside each other) and text (its
  // path and scalar).
  bool admit(const YamlNode& node, std::size_t depth) {
    const bool collection = node.isSequence() || node.isMap();
    if (collection && stack_.size() + depth >= limits_.max_depth) {
      return fail(node, "nested deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    return charge(node.path.size() + node.scalar.size(), node);
  }

  // A whole subtree, kept once more (an anchor's copy).
  bool charge(const YamlNode& node) {
    if (!charge(node.path.size() + node.scalar.size(), node)) return false;
    for (const auto& item : node.items) {
      if (!charge(item)) return false;
    }
    for (const auto& entry : node.entries) {
      if (!charge(entry.key.size(), node) || !charge(entry.value)) return false;
    }
    return true;
  }

  bool charge(std::size_t text_bytes, const YamlNode& at) {
    // Aliases are what usually makes a small file large: say so only when there were some.
    const char* const verb = aliases_ > 0 ? "expands to" : "holds";
    const char* const hint = aliases_ > 0 ? " (alias expansion?)" : "";
    if (++nodes_ > limits_.max_nodes) {
      return fail(at, std::string("document ") + verb + " more than " +
                          std::to_string(limits_.max_nodes) + " nodes" + hint);
    }
    text_bytes_ += text_bytes;
    if (text_bytes_ <= limits_.max_text_bytes) return true;
    return fail(at, std::string("document ") + verb + " more than " +
                        std::to_string(limits_.max_text_bytes) + " bytes of text" + hint);
  }

  bool fail(const YamlNode& at, std::string message) {
    diagnostics_.error(at.path, std::move(message), at.mark);
    return false;
  }

  void reportParserError(const yaml_parser_t& parser) {
    if (parser.error == YAML_MEMORY_ERROR) {
      diagnostics_.error("", "out of memory while parsing YAML");
      return;
    }
    std::string problem = parser.problem != nullptr ? parser.problem : "invalid YAML";
    YamlMark mark;
    if (parser.error == YAML_READER_ERROR) {
      // Prepared text is valid UTF-8 with no control character, so this is not expected; kept
      // so that a reader error still gets a position (a byte offset: no mark).
      mark = markAtOffset(parser.problem_offset);
      problem = "not YAML text: " + problem;
    } else {
      mark = toMark(parser.problem_mark);
      const std::string_view context = parser.context != nullptr ? parser.context : "";
      if (problem == "could not find expected ':'" && !context.empty()) {
        // libyaml finds out at the next line; the key it was reading is where the fault is.
        mark = toMark(parser.context_mark);
        problem = "a key without ':' after it, or ':' without a space after it";
      } else if (problem == "did not find expected <document start>") {
        // libyaml's words for text after the document's one top-level value.
        problem = "unexpected text after a complete value";
      } else if (!context.empty()) {
        problem += " (" + std::string(context) + " at line " +
                   std::to_string(parser.context_mark.line + 1) + ")";
      }
      problem += hintFor(problem, characterAt(mark));
    }
    diagnostics_.error("", "YAML syntax error: " + problem, mark);
  }

  // What to do about the character a syntax error points at, when it is a usual slip.
  static std::string hintFor(std::string_view problem, std::string_view character) {
    if (character == "\t") return "; it is a tab: YAML indents with spaces only";
    if (problem.rfind("mapping values are not allowed", 0) == 0) {
      return "; quote a value that holds ': '";  // `name: a: b`
    }
    if (character == ":") {
      return "; quote a value that starts with ':', such as an IPv6 address (\"::1\")";
    }
    if (character == "," || character == "%" || character == "@" || character == "`") {
      return "; quote a value that starts with '" + std::string(character) + "'";
    }
    return {};
  }

  // The character (its bytes) at `mark`, counted as libyaml counts: characters, and "\r\n",
  // "\r" or "\n" for a line break. Empty past the end.
  [[nodiscard]] std::string_view characterAt(const YamlMark& mark) const {
    int line = 1, column = 1;
    for (std::size_t at = 0; at < text_.size();) {
      std::size_t length = 1;
      const auto lead = static_cast<unsigned char>(text_[at]);
      if (lead >= 0xF0U) {
        length = 4;
      } else if (lead >= 0xE0U) {
        length = 3;
      } else if (lead >= 0xC0U) {
        length = 2;
      }
      length = std::min(length, text_.size() - at);
      if (line == mark.line && column == mark.column) return text_.substr(at, length);
      if (line > mark.line) return {};
      const char c = text_[at];
      at += length;
      if (c == '\n' || (c == '\r' && (at >= text_.size() || text_[at] != '\n'))) {
        ++line;
        column = 1;
      } else if (c != '\r') {
        ++column;
      }
    }
    return {};
  }

  [[nodiscard]] YamlMark markAtOffset(std::size_t offset) const {
    const std::string_view before = text_.substr(0, std::min(offset, text_.size()));
    const std::size_t line_start = before.rfind('\n');
    const auto line = static_cast<int>(std::count(before.begin(), before.end(), '\n')) + 1;
    const std::size_t column =
        line_start == std::string_view::npos ? before.size() : before.size() - line_start - 1;
    return {line, static_cast<int>(column) + 1};
  }

  static constexpr std::size_t kMaxDirectives = 16;

  PreparedYaml prepared_;
  std::string_view text_;  // the prepared text
  Diagnostics& diagnostics_;
  const YamlLimits& limits_;
  std::vector<Frame> stack_;
  std::unordered_map<std::string, std::shared_ptr<const YamlNode>> anchors_;
  std::map<std::string, AnchorUse> anchor_use_;  // by name: the warnings come in a stable order
  YamlNode root_;
  std::size_t documents_ = 0;
  YamlMark second_document_;
  std::size_t nodes_ = 0;
  std::size_t aliases_ = 0;
  std::size_t text_bytes_ = 0;
};

}  // namespace

const YamlNode* YamlNode::find(std::string_view key) const {
  for (const auto& [name, node] : entries) {
    if (name == key) return &node;
  }
  return nullptr;
}

std::string_view kindDescription(YamlNode::Kind kind) {
  switch (kind) {
    case YamlNode::Kind::kNull:
      return "nothing";
    case YamlNode::Kind::kScalar:
      return "a value";
    case YamlNode::Kind::kSequence:
      return "a list";
    case YamlNode::Kind::kMap:
      return "a map";
  }
  return "?";
}

YamlNode parseYamlTree(std::string_view text, Diagnostics& diagnostics, const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    diagnostics.error("", "file is larger than " + std::to_string(limits.max_bytes) + " bytes");
    return {};
  }
  // The builder allocates (std::bad_alloc); nothing else here throws.
  try {
    return TreeBuilder(text, diagnostics, limits).build();
  } catch (const std::bad_alloc&) {
    diagnostics.error("", "out of memory while parsing YAML");
  }
  return {};
}

}  // namespace aihunt::config
