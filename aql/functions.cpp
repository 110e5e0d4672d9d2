// Scalar AQL functions over one event.
#include <charconv>

#include "aql/compiled.h"
#include "aql/date_format.h"
#include "aql/time_window.h"
#include "core/text.h"

namespace aihunt::aql::detail {
namespace {

Val lookupName(const std::unordered_map<std::int64_t, std::string>* table, const Val& id) {
  if (table == nullptr) return Val::null();
  const auto key = longOf(id);
  if (!key) return Val::null();
  const auto it = table->find(*key);
  if (it == table->end()) return Val::null();
  return Val::text(it->second);
}

Val changeCase(Node& node, const Val& v, bool upper) {
  if (v.isNull()) return v;
  std::string text_scratch;
  const std::string_view text = textOf(v, text_scratch);
  node.scratch.resize(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    node.scratch[i] =
        upper ? ((c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c) : core::asciiLower(c);
  }
  return Val::text(node.scratch);
}

// Epoch ms from a number or a timestamp text.
std::optional<core::EpochMs> timeOf(const Val& v) {
  if (v.kind == Value::Kind::kString) {
    auto parsed = core::parseTimestamp(v.s);
    if (!parsed.ok()) return std::nullopt;
    return parsed.value();
  }
  return longOf(v);
}

}  // namespace

Val callFunction(Node& node, const Event& event, EvalContext& ctx) {
  const LookupTables* tables = ctx.lookups;
  switch (node.fn) {
    case Fn::kNow:
      return Val::integer(ctx.now);
    case Fn::kLower:
      return changeCase(node, eval(node.kids[0], event, ctx), false);
    case Fn::kUpper:
      return changeCase(node, eval(node.kids[0], event, ctx), true);
    case Fn::kStr: {
      const Val v = eval(node.kids[0], event, ctx);
      if (v.isNull() || v.kind == Value::Kind::kString) return v;
      return Val::text(textOf(v, node.scratch));
    }
    case Fn::kLong: {
      const auto n = longOf(eval(node.kids[0], event, ctx));
      return n ? Val::integer(*n) : Val::null();
    }
    case Fn::kDouble: {
      const Val v = eval(node.kids[0], event, ctx);
      if (v.kind == Value::Kind::kInt) return Val::real(static_cast<double>(v.i));
      if (v.kind == Value::Kind::kDouble) return v;
      if (v.kind != Value::Kind::kString) return Val::null();
      double d = 0;
      const auto [end, ec] = std::from_chars(v.s.data(), v.s.data() + v.s.size(), d);
      if (ec != std::errc() || end != v.s.data() + v.s.size() || v.s.empty()) return Val::null();
      return Val::real(d);
    }
    case Fn::kLength: {
      const Val v = eval(node.kids[0], event, ctx);
      if (v.isNull()) return v;
      return Val::integer(static_cast<std::int64_t>(textOf(v, node.scratch).size()));
    }
    case Fn::kConcat: {
      // Collect into a local buffer first: an argument may be a view into node.scratch's
      // neighbours, never into node.scratch itself.
      std::string joined;
      std::string piece_scratch;
      for (Node& kid : node.kids) {
        const Val v = eval(kid, event, ctx);
        if (v.isNull()) return Val::null();
        joined.append(textOf(v, piece_scratch));
      }
      node.scratch = std::move(joined);
      return Val::text(node.scratch);
    }
    case Fn::kDateFormat: {
      const auto ms = timeOf(eval(node.kids[0], event, ctx));
      if (!ms) return Val::null();
      const Val pattern = eval(node.kids[1], event, ctx);
      if (pattern.kind != Value::Kind::kString) return Val::null();
      formatJavaDate(*ms, pattern.s, node.scratch);
      return Val::text(node.scratch);
    }
    case Fn::kParseDateTime: {
      const Val v = eval(node.kids[0], event, ctx);
      if (v.kind != Value::Kind::kString) return Val::null();
      auto ms = parseRelativeTime(v.s, ctx.now);
      return ms.ok() ? Val::integer(ms.value()) : Val::null();
    }
    case Fn::kCategoryName:
      return lookupName(tables ? &tables->category_names : nullptr, eval(node.kids[0], event, ctx));
    case Fn::kLogSourceName:
      return lookupName(tables ? &tables->log_source_names : nullptr,
                        eval(node.kids[0], event, ctx));
    case Fn::kQidName:
      return lookupName(tables ? &tables->qid_names : nullptr, eval(node.kids[0], event, ctx));
    case Fn::kLogSourceTypeName:
      return lookupName(tables ? &tables->log_source_type_names : nullptr,
                        eval(node.kids[0], event, ctx));
    case Fn::kInCidr: {
      const Val ip_val = eval(node.kids[1], event, ctx);
      if (ip_val.isNull()) return Val::null();
      const auto ip = parseIp(textOf(ip_val, node.scratch));
      if (!ip) return Val::boolean(false);
      if (node.cidr) return Val::boolean(node.cidr->contains(*ip));
      std::string cidr_scratch;
      const Val cidr_val = eval(node.kids[0], event, ctx);
      if (cidr_val.isNull()) return Val::null();
      const auto cidr = Cidr::parse(textOf(cidr_val, cidr_scratch));
      return cidr ? Val::boolean(cidr->contains(*ip)) : Val::null();
    }
    case Fn::kReferenceSetContains: {
      const Val value = eval(node.kids[1], event, ctx);
      if (value.isNull()) return Val::null();
      std::string set_scratch;
      const Val set = eval(node.kids[0], event, ctx);
      if (set.isNull()) return Val::null();
      if (ctx.reference_data == nullptr) return Val::boolean(false);
      return Val::boolean(
          ctx.reference_data->contains(textOf(set, set_scratch), textOf(value, node.scratch)));
    }
  }
  return Val::null();
}

}  // namespace aihunt::aql::detail
