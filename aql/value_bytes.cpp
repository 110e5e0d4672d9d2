#include "aql/value_bytes.h"

namespace aihunt::aql::detail {

void appendText(std::string& out, std::string_view text) {
  appendRaw(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}

void appendValue(std::string& out, const Val& value) {
  out.push_back(static_cast<char>(value.kind));
  switch (value.kind) {
    case Value::Kind::kNull:
      break;
    case Value::Kind::kBool:
      out.push_back(value.b ? '1' : '0');
      break;
    case Value::Kind::kInt:
      appendRaw(out, value.i);
      break;
    case Value::Kind::kDouble:
      appendRaw(out, value.d);
      break;
    case Value::Kind::kString:
      appendText(out, value.s);
      break;
  }
}

bool ByteReader::text(std::string_view& out) {
  std::uint32_t size = 0;
  if (!raw(size) || rest_.size() < size) return false;
  out = rest_.substr(0, size);
  rest_.remove_prefix(size);
  return true;
}

bool ByteReader::value(Value& out) {
  char kind = 0;
  if (!raw(kind)) return false;
  switch (static_cast<Value::Kind>(kind)) {
    case Value::Kind::kNull:
      out = Value::null();
      return true;
    case Value::Kind::kBool: {
      char flag = 0;
      if (!raw(flag)) return false;
      out = Value::boolean(flag == '1');
      return true;
    }
    case Value::Kind::kInt: {
      std::int64_t number = 0;
      if (!raw(number)) return false;
      out = Value::integer(number);
      return true;
    }
    case Value::Kind::kDouble: {
      double number = 0;
      if (!raw(number)) return false;
      out = Value::real(number);
      return true;
    }
    case Value::Kind::kString: {
      std::string_view chars;
      if (!text(chars)) return false;
      out.assignString(chars);
      return true;
    }
  }
  return false;
}

}  // namespace aihunt::aql::detail
