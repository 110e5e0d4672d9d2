#pragma once
// `Range: items=a-b` over a list of `total` items: which slice to answer, and the
// `Content-Range: items a-b/total` (or `items */total` past the end) header that goes with it.
#include <cstddef>

#include "emulator/http_message.h"
#include "emulator/qradar_error.h"

namespace aihunt::emulator {

struct PageWindow {
  std::size_t first = 0;
  std::size_t end = 0;  // exclusive
  std::size_t total = 0;
  bool ranged = false;  // a Range header was given
};

ApiResult<PageWindow> pageWindow(const HttpRequest& request, std::size_t total);
void setContentRange(HttpResponse& response, const PageWindow& window);

}  // namespace aihunt::emulator
