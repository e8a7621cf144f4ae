#pragma once
// One run to do, as any process can build it: a configuration file, a YAML overlay and overrides
// (moved between MPI ranks as bytes, sim/archive.hpp).

#include <string>
#include <vector>

namespace sim {

struct RunJob {
  std::string config;                  // scenario file
  std::string overlay;                 // YAML laid over it before the overrides (may be empty)
  std::vector<std::string> overrides;  // applied in order
  template <class Archive>
  void serialize(Archive& ar) {
    ar(config, overlay, overrides);
  }
};

}  // namespace sim
