#pragma once
// Checkpoints of a long run (docs/reliability.md): everything needed to continue it in a new
// process as if it had never stopped: the resolved configuration (so edits to the files since do
// not matter), the model's state at a step boundary (Model::save_state), the rows of the periods
// already finished, and the run's counters. Written atomically next to the output, with a
// checksum; a resumed run writes the same series as one never interrupted.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "sim/run_record.hpp"

namespace sim {

struct Checkpoint {
  std::string config_path;
  std::string config_resolved;  // YAML of the merged configuration
  std::string config_text;      // the texts it came from (for the output's provenance)
  std::vector<std::string> overrides;
  std::string out_path;
  std::string command_line;
  bool force = false;
  std::uint64_t block_size = 0;
  int checkpoint_every = 0;
  std::vector<std::byte> state;  // Model::save_state at the step boundary
  RunRecord rows;                // the rows of the periods finished so far
  std::uint64_t person_steps = 0;
  std::uint64_t most_agents = 0;
  std::string started;
  double setup_seconds = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(config_path, config_resolved, config_text, overrides, out_path, command_line, force,
       block_size, checkpoint_every, state, rows, person_steps, most_agents, started,
       setup_seconds);
  }
};

// A checkpoint's bytes begin with this magic word ("ECKPOINT") and version (with_checksum).
inline constexpr std::uint64_t kCheckpointMagic = 0x544E494F504B4345ull;
inline constexpr std::uint32_t kCheckpointVersion = 1;

// Where the checkpoint of a run writing `out` goes.
std::filesystem::path checkpoint_path(const std::filesystem::path& out);
// Durably (temporary file, fsync, rename); throws std::runtime_error with the reason.
void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint);
// Throws ArchiveError for a file that is not an intact checkpoint of this version.
Checkpoint read_checkpoint(const std::filesystem::path& path);
Checkpoint decode_checkpoint(std::span<const std::byte> bytes);

}  // namespace sim
