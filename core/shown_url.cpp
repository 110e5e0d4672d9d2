#include "core/shown_url.h"

#include "core/text.h"

namespace aihunt::core {

std::string shownUrl(std::string_view url) {
  const std::size_t query = url.find_first_of("?#");
  const std::string_view head = url.substr(0, query);
  std::string shown;
  if (const std::size_t at = head.rfind('@'); at == std::string_view::npos) {
    shown = head;
  } else {
    const std::size_t scheme_end = head.find("://");
    const std::size_t keep =
        scheme_end != std::string_view::npos && scheme_end < at ? scheme_end + 3 : 0;
    shown = std::string(head.substr(0, keep)) + "[hidden]@" + std::string(head.substr(at + 1));
  }
  if (query != std::string_view::npos) shown += url[query] == '?' ? "?[hidden]" : "#[hidden]";
  return printableExcerpt(shown);
}

}  // namespace aihunt::core
