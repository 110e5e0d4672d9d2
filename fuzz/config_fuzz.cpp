// Fuzzes the config loader: any bytes must load or fail with errors, never crash, hang or leak.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/environment.h"
#include "config/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  aihunt::config::MapEnvironment environment;
  environment.set("AIHUNT_QRADAR_TOKEN", "fuzz-token-value");
  environment.set("HOME", "/home/fuzz");
  aihunt::config::LoadOptions options;
  options.resolve_token = true;
  const auto outcome = aihunt::config::loadConfigText(text, "fuzz.yaml", environment, options);
  for (const auto& error : outcome.errors) {
    // The token must never be echoed back, whatever the input.
    if (error.describe().find("fuzz-token-value") != std::string::npos) __builtin_trap();
  }
  return 0;
}
