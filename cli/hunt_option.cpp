#include "cli/hunt_option.h"

#include "service/hunt_selection.h"

namespace aihunt::cli {

namespace po = boost::program_options;

void addHuntOption(po::options_description& options, const char* help) {
  options.add_options()("hunt", po::value<std::vector<std::string>>()->composing(), help);
}

std::vector<std::string> huntOption(const po::variables_map& values) {
  if (values.count("hunt") == 0) return {};
  return service::splitHuntNames(values["hunt"].as<std::vector<std::string>>());
}

}  // namespace aihunt::cli
