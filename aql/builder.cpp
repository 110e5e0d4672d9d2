#include "aql/builder.h"

#include <algorithm>

#include "aql/like_subsumption.h"
#include "aql/lint.h"
#include "aql/parser.h"
#include "aql/printer.h"
#include "aql/time_window.h"
#include "core/char_class.h"
#include "core/text.h"
#include "core/time.h"

namespace aihunt::aql {
namespace {

constexpr std::size_t kMaxNameBytes = 128;
constexpr std::size_t kMaxValueBytes = 512;

core::Error invalid(std::string_view path, std::string_view value, std::string_view why) {
  return core::makeError(
      core::ErrorCode::kConfig,
      std::string(path) + ": '" + core::printableExcerpt(value, 60) + "' " + std::string(why));
}

bool isControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

std::string indexed(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

Expr lowerLike(const std::string& property, std::string pattern) {
  return makeLike(LikeOp::kLike, false, makeFunction("LOWER", {makeField(property)}),
                  makeString(std::move(pattern)));
}

Expr compare(BinaryOp op, Expr left, Expr right) {
  return makeBinary(op, std::move(left), std::move(right));
}

core::Result<Expr> columnExpr(const HuntColumn& column) {
  Expr field = makeField(column.property);
  switch (column.transform) {
    case HuntColumn::Transform::kNone:
      return field;
    case HuntColumn::Transform::kCategoryName:
      return makeFunction("CATEGORYNAME", {field});
    case HuntColumn::Transform::kLogSourceName:
      return makeFunction("LOGSOURCENAME", {field});
    case HuntColumn::Transform::kQidName:
      return makeFunction("QIDNAME", {field});
    case HuntColumn::Transform::kLogSourceTypeName:
      return makeFunction("LOGSOURCETYPENAME", {field});
    case HuntColumn::Transform::kDateFormat:
      return makeFunction("DATEFORMAT", {field, makeString("yyyy-MM-dd HH:mm:ss")});
  }
  return core::makeError(core::ErrorCode::kInternal, "unknown column transform");
}

std::string context(const HuntTemplate& hunt) {
  return hunt.name.empty() ? "hunt" : "hunt '" + core::printableExcerpt(hunt.name, 60) + "'";
}

// The WHERE clause shared by both forms: exact window, extra, provider and process prefilters.
core::Result<Expr> whereClause(const HuntTemplate& hunt, core::EpochMs from, core::EpochMs to) {
  std::vector<Expr> parts;
  parts.push_back(compare(BinaryOp::kGe, makeField("starttime"), makeInteger(from)));
  parts.push_back(compare(BinaryOp::kLt, makeField("starttime"), makeInteger(to)));
  // Cheap, selective tests before the LIKE prefilters (the hunts' `where` is an equality or IN
  // on devicetype): IBM's advice for fast Ariel searches, see docs/qradar-compatibility.md.
  if (!core::trim(hunt.extra_where).empty()) {
    auto extra = parseExpression(hunt.extra_where);
    if (!extra.ok()) return extra.error().withContext("extra_where");
    if (containsAggregate(extra.value())) {
      return invalid("extra_where", hunt.extra_where, "must not contain aggregates");
    }
    parts.push_back(std::move(extra.value()));
  }
  if (!hunt.provider_hosts.empty()) {
    if (auto s = validatePropertyName(hunt.url_property, "url_property"); !s.ok()) return s.error();
    std::vector<Expr> hosts;
    for (std::size_t i = 0; i < hunt.provider_hosts.size(); ++i) {
      const std::string& host = hunt.provider_hosts[i];
      if (auto s = validateHost(host, indexed("provider_hosts", i)); !s.ok()) return s.error();
      std::string lowered = core::asciiLowered(host);
      if (lowered.rfind("*.", 0) == 0) lowered.erase(0, 1);  // "*.x.com" -> ".x.com"
      hosts.push_back(lowerLike(hunt.url_property, "%" + lowered + "%"));
    }
    parts.push_back(makeOr(std::move(hosts)));
  }
  if (!hunt.process_names.empty()) {
    if (auto s = validatePropertyName(hunt.application_property, "application_property"); !s.ok()) {
      return s.error();
    }
    std::vector<Expr> names;
    for (std::size_t i = 0; i < hunt.process_names.size(); ++i) {
      const std::string& name = hunt.process_names[i];
      const std::string path = indexed("process_names", i);
      if (auto s = validateLiteral(name, path); !s.ok()) return s.error();
      if (name.find_first_of("%\\") != std::string::npos) {
        return invalid(path, name, "contains '%' or '\\', which would change the LIKE pattern");
      }
      names.push_back(lowerLike(hunt.application_property, "%" + core::asciiLowered(name) + "%"));
    }
    parts.push_back(makeOr(std::move(names)));
  }
  if (!hunt.any_contains.empty()) {
    std::vector<Expr> any;
    for (std::size_t f = 0; f < hunt.any_contains.size(); ++f) {
      const ContainsFilter& filter = hunt.any_contains[f];
      const std::string base = indexed("any_contains", f);
      if (auto s = validatePropertyName(filter.property, base + ".property"); !s.ok()) {
        return s.error();
      }
      std::vector<std::string> lowered;
      for (std::size_t i = 0; i < filter.needles.size(); ++i) {
        const std::string& needle = filter.needles[i];
        const std::string path = indexed(base + ".needles", i);
        if (auto s = validateLiteral(needle, path); !s.ok()) return s.error();
        if (needle.find_first_of("%\\") != std::string::npos) {
          return invalid(path, needle, "contains '%' or '\\', which would change the LIKE pattern");
        }
        lowered.push_back(core::asciiLowered(needle));
      }
      // Same rows, fewer terms: QRadar runs each LIKE on every event of the window.
      for (const std::string& needle : withoutCoveredNeedles(lowered)) {
        any.push_back(lowerLike(filter.property, "%" + needle + "%"));
      }
    }
    if (!any.empty())
      parts.push_back(any.size() == 1 ? std::move(any.front()) : makeOr(std::move(any)));
  }
  // Chains from the parts stay separate nodes: an OR list is one AND operand.
  Expr where = makeNode(ExprKind::kAnd, std::move(parts));
  return where;
}

core::Status checkWindow(core::EpochMs from, core::EpochMs to) {
  if (from < 0) {
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           "the window starts before 1970-01-01, where QRadar has no events "
                           "(a --last or --from too far back)");
  }
  if (to <= from) {
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           "the window [" + core::formatIso8601(from) + ", " +
                               core::formatIso8601(to) + ") is empty: it ends before it starts");
  }
  return {};
}

}  // namespace

core::Status validatePropertyName(std::string_view value, std::string_view path) {
  if (value.empty()) return invalid(path, value, "is empty");
  if (value.size() > kMaxNameBytes) return invalid(path, value, "is too long for a property name");
  for (char c : value) {
    if (isControl(c)) return invalid(path, value, "contains a control character");
    const bool ok = core::isAsciiAlpha(c) || core::isAsciiDigit(c) || c == ' ' || c == '_' ||
                    c == '-' || c == '.' || c == '(' || c == ')';
    if (!ok) {
      return invalid(path, value,
                     std::string("contains '") + c +
                         "'; property names may use letters, digits, space, _ - . ( )");
    }
  }
  if (value.front() == ' ' || value.back() == ' ') {
    return invalid(path, value, "starts or ends with a space");
  }
  return {};
}

core::Status validateAlias(std::string_view value, std::string_view path) {
  if (value.empty()) return invalid(path, value, "is empty");
  if (value.size() > kMaxNameBytes) return invalid(path, value, "is too long for a column name");
  if (!core::isAsciiAlpha(value.front()) && value.front() != '_') {
    return invalid(path, value, "must start with a letter or '_'");
  }
  for (char c : value) {
    if (!core::isAsciiAlpha(c) && !core::isAsciiDigit(c) && c != '_') {
      return invalid(path, value, "may only contain letters, digits and '_'");
    }
  }
  return {};
}

core::Status validateLiteral(std::string_view value, std::string_view path) {
  if (value.empty()) return invalid(path, value, "is empty");
  if (value.size() > kMaxValueBytes) return invalid(path, value, "is too long");
  for (char c : value) {
    if (isControl(c)) return invalid(path, value, "contains a control character");
  }
  if (!core::isValidUtf8(value)) return invalid(path, value, "is not valid UTF-8");
  return {};
}

core::Status validateHost(std::string_view value, std::string_view path) {
  if (auto s = validateLiteral(value, path); !s.ok()) return s;
  std::string_view rest = value;
  if (rest.rfind("*.", 0) == 0) rest.remove_prefix(2);
  if (rest.empty()) return invalid(path, value, "is not a host name");
  for (char c : rest) {
    if (!core::isAsciiAlpha(c) && !core::isAsciiDigit(c) && c != '.' && c != '-' && c != '_') {
      return invalid(path, value,
                     "is not a host name (letters, digits, '.', '-', '_', optional leading '*.')");
    }
  }
  return {};
}

core::Result<Query> buildHuntQuery(const HuntTemplate& hunt, core::EpochMs from, core::EpochMs to) {
  if (auto s = checkWindow(from, to); !s.ok()) return s.error().withContext(context(hunt));
  if (hunt.columns.empty()) {
    return core::makeError(core::ErrorCode::kConfig, context(hunt) + ": no columns to select");
  }
  Query query;
  query.database = hunt.database;
  for (std::size_t i = 0; i < hunt.columns.size(); ++i) {
    const HuntColumn& column = hunt.columns[i];
    const std::string path = indexed("columns", i);
    if (auto s = validateAlias(column.name, path + ".name"); !s.ok()) {
      return s.error().withContext(context(hunt));
    }
    if (auto s = validatePropertyName(column.property, path + ".property"); !s.ok()) {
      return s.error().withContext(context(hunt));
    }
    auto expr = columnExpr(column);
    if (!expr.ok()) return expr.error();
    query.select.push_back(SelectItem{std::move(expr.value()), column.name});
  }
  auto where = whereClause(hunt, from, to);
  if (!where.ok()) return where.error().withContext(context(hunt));
  query.where = std::move(where.value());
  if (hunt.order_by_time)
    query.order_by.push_back(OrderItem{makeField("starttime"), false, std::nullopt});
  query.time = minuteClause(from, to);
  return query;
}

core::Result<Query> buildUploadQuery(const HuntTemplate& hunt, const UploadAggregation& upload,
                                     core::EpochMs from, core::EpochMs to) {
  if (auto s = checkWindow(from, to); !s.ok()) return s.error().withContext(context(hunt));
  if (upload.keys.empty()) {
    return core::makeError(core::ErrorCode::kConfig, context(hunt) + ": no columns to group by");
  }
  if (auto s = validatePropertyName(upload.bytes_property, "bytes_property"); !s.ok()) {
    return s.error().withContext(context(hunt));
  }
  if (upload.min_total_bytes < 0) {
    return core::makeError(core::ErrorCode::kConfig,
                           context(hunt) + ": min_total_bytes must not be negative");
  }
  Query query;
  query.database = hunt.database;
  for (std::size_t i = 0; i < upload.keys.size(); ++i) {
    const HuntColumn& key = upload.keys[i];
    const std::string path = indexed("keys", i);
    if (auto s = validateAlias(key.name, path + ".name"); !s.ok()) {
      return s.error().withContext(context(hunt));
    }
    for (const char* reserved :
         {kUploadBytesColumn, kUploadFirstColumn, kUploadCountColumn, kUploadLastColumn}) {
      if (key.name == reserved) {
        return invalid(path + ".name", key.name, "is the name of an aggregate column")
            .withContext(context(hunt));
      }
    }
    if (auto s = validatePropertyName(key.property, path + ".property"); !s.ok()) {
      return s.error().withContext(context(hunt));
    }
    if (key.transform != HuntColumn::Transform::kNone) {
      return invalid(path + ".property", key.property, "is grouped by as it is, not transformed")
          .withContext(context(hunt));
    }
    query.select.push_back(SelectItem{makeField(key.property), key.name});
    query.group_by.push_back(makeField(key.property));
  }
  if (const auto& type = upload.log_source_type) {
    if (auto s = validateAlias(type->name, "log_source_type.name"); !s.ok()) {
      return s.error().withContext(context(hunt));
    }
    if (auto s = validatePropertyName(type->property, "log_source_type.property"); !s.ok()) {
      return s.error().withContext(context(hunt));
    }
    auto selected = columnExpr(*type);
    if (!selected.ok()) return selected.error().withContext(context(hunt));
    query.select.push_back(SelectItem{std::move(selected.value()), type->name});
    query.group_by.push_back(makeField(type->property));
  }
  const Expr bytes_sum = makeFunction("SUM", {makeField(upload.bytes_property)});
  query.select.push_back(SelectItem{bytes_sum, kUploadBytesColumn});
  query.select.push_back(
      SelectItem{makeFunction("MIN", {makeField("starttime")}), kUploadFirstColumn});
  query.select.push_back(SelectItem{makeFunction("COUNT", {makeStar()}), kUploadCountColumn});
  query.select.push_back(
      SelectItem{makeFunction("MAX", {makeField("starttime")}), kUploadLastColumn});
  auto where = whereClause(hunt, from, to);
  if (!where.ok()) return where.error().withContext(context(hunt));
  query.where = std::move(where.value());
  if (upload.min_total_bytes > 0) {
    query.having = compare(BinaryOp::kGe, bytes_sum, makeInteger(upload.min_total_bytes));
  }
  query.time = minuteClause(from, to);
  return query;
}

namespace {
// Renders and double-checks: the text must read back as the same tree and lint clean.
core::Result<std::string> renderChecked(const core::Result<Query>& built) {
  if (!built.ok()) return built.error();
  std::string text = print(built.value());
  auto reparsed = parse(text);
  if (!reparsed.ok() || !(reparsed.value() == built.value())) {
    return core::makeError(core::ErrorCode::kInternal, "rendered AQL does not read back");
  }
  for (const Diagnostic& d : lintQuery(reparsed.value())) {
    return core::makeError(core::ErrorCode::kInternal,
                           "rendered AQL fails lint: " + formatDiagnostic(d));
  }
  return text;
}
}  // namespace

core::Result<std::string> renderHuntQuery(const HuntTemplate& hunt, core::EpochMs from,
                                          core::EpochMs to) {
  return renderChecked(buildHuntQuery(hunt, from, to));
}

core::Result<std::string> renderUploadQuery(const HuntTemplate& hunt,
                                            const UploadAggregation& upload, core::EpochMs from,
                                            core::EpochMs to) {
  return renderChecked(buildUploadQuery(hunt, upload, from, to));
}

}  // namespace aihunt::aql
