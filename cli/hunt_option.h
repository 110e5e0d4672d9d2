#pragma once
// --hunt as every command that runs hunts takes it: repeatable and comma-separated
// (`--hunt proxy-ai-api,linux-audit --hunt endpoint-process`); the names are checked against the
// configured hunts by service/hunt_selection.h.
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace aihunt::cli {

void addHuntOption(boost::program_options::options_description& options, const char* help);

// The names given, split at commas, each once, in the order given; empty: none given.
std::vector<std::string> huntOption(const boost::program_options::variables_map& values);

}  // namespace aihunt::cli
