#include "core/shown_url.h"

#include "core/text.h"

namespace aihunt::core {

std::string shownUrl(std::string_view url) {
  // The last '@' anywhere, not only ahead of a '?' or '#': a password may hold either
  // ("http://user:p#ss@proxy:3128"), and a parser that took it for a fragment would otherwise
  // leave the user and half the password in sight.
  std::string shown;
  std::string_view rest = url;
  if (const std::size_t at = url.rfind('@'); at != std::string_view::npos) {
    const std::size_t scheme_end = url.find("://");
    const std::size_t keep =
        scheme_end != std::string_view::npos && scheme_end < at ? scheme_end + 3 : 0;
    shown = std::string(url.substr(0, keep)) + "[hidden]@";
    rest = url.substr(at + 1);
  }
  const std::size_t query = rest.find_first_of("?#");
  shown += rest.substr(0, query);
  if (query != std::string_view::npos) shown += rest[query] == '?' ? "?[hidden]" : "#[hidden]";
  return printableExcerpt(shown);
}

}  // namespace aihunt::core
