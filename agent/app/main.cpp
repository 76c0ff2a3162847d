// mta-sts-agent: the executable is only the command line; everything else is in agent_core.
#include <iostream>

#include "app/cli.hpp"

#ifdef MTASTS_JEMALLOC
// jemalloc reads its options from this symbol at start. Freed pages go back to the system
// after a second instead of ten: a round frees the buffers of thousands of connections at
// once, and the benchmark's peak RSS varied by 20 MB with the default (79-99 MB at 10,000
// domains on shared MX hosts, 80-85 MB with this), at no measurable CPU.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "dirty_decay_ms:1000,muzzy_decay_ms:0";
}
#endif

int main(int argc, char** argv) {
  return mtasts::app::run_cli(argc, argv, std::cout, std::cerr);
}
