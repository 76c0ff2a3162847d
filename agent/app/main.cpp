// mta-sts-agent: the executable is only the command line; everything else is in agent_core.
#include <iostream>

#include "app/cli.hpp"

int main(int argc, char** argv) {
  return mtasts::app::run_cli(argc, argv, std::cout, std::cerr);
}
