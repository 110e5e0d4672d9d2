#include "emulator/paging.h"

#include <string>

#include "emulator/ariel_handlers.h"
#include "emulator/request_parsing.h"

namespace aihunt::emulator {

ApiResult<PageWindow> pageWindow(const HttpRequest& request, std::size_t total) {
  PageWindow window{0, total, total, false};
  const auto header = request.header("Range");
  if (!header) return window;
  auto range = parseItemsRange(*header);
  if (!range.ok()) return badRange();
  window.ranged = true;
  window.first = std::min<std::size_t>(range->first, total);
  window.end = range->last >= total ? total : range->last + 1;
  if (window.end < window.first) window.end = window.first;
  return window;
}

void setContentRange(HttpResponse& response, const PageWindow& window) {
  if (!window.ranged) return;
  if (window.end <= window.first) {
    response.setHeader("Content-Range", "items */" + std::to_string(window.total));
  } else {
    response.setHeader("Content-Range", "items " + std::to_string(window.first) + "-" +
                                            std::to_string(window.end - 1) + "/" +
                                            std::to_string(window.total));
  }
}

}  // namespace aihunt::emulator
