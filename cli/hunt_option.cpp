#include "cli/hunt_option.h"

#include "service/hunt_selection.h"

namespace aihunt::cli {

namespace po = boost::program_options;

namespace {

// `--hunt ""` (an unset shell variable) would otherwise select every hunt.
void refuseEmpty(const std::vector<std::string>& given) {
  if (service::splitHuntNames(given).empty()) {
    throw po::error("--hunt names no hunt (it was given empty)");
  }
}

}  // namespace

void addHuntOption(po::options_description& options, const char* help) {
  options.add_options()(
      "hunt", po::value<std::vector<std::string>>()->composing()->notifier(&refuseEmpty), help);
}

std::vector<std::string> huntOption(const po::variables_map& values) {
  if (values.count("hunt") == 0) return {};
  return service::splitHuntNames(values["hunt"].as<std::vector<std::string>>());
}

}  // namespace aihunt::cli
