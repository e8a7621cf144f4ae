// eldersim: the engine's command line running the eldersim model.
#include "models/elder_model.hpp"
#include "sim/cli.hpp"

int main(int argc, char** argv) {
  return sim::run_cli(argc, argv, eldersim::definition());
}
