/// @file
/// @brief The command line (README: `check`, `serve`, `lint`): parses arguments and runs a command.
#pragma once

#include <iosfwd>

namespace mtasts::app {

/// Runs the command `argv` names and returns the process exit code (0, 1 or 2).
int run_cli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace mtasts::app
