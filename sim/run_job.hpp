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
  // Where the run keeps its checkpoint (sim/checkpoint.hpp), if it keeps one: written every
  // `checkpoint_every` reporting periods and when stopped, continued from when it exists.
  std::string checkpoint;
  int checkpoint_every = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(config, overlay, overrides, checkpoint, checkpoint_every);
  }
};

}  // namespace sim
