#include "sim/checkpoint.hpp"

#include "sim/archive.hpp"

namespace sim {

std::filesystem::path checkpoint_path(const std::filesystem::path& out) {
  std::filesystem::path p = out;
  p += ".checkpoint";
  return p;
}

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint) {
  write_file_durably(path, to_checked_bytes(checkpoint, kCheckpointMagic, kCheckpointVersion));
}

Checkpoint decode_checkpoint(std::span<const std::byte> bytes) {
  return from_checked_bytes<Checkpoint>(bytes, kCheckpointMagic, kCheckpointVersion, "checkpoint");
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  return read_checked_file<Checkpoint>(path, kCheckpointMagic, kCheckpointVersion, "checkpoint");
}

}  // namespace sim
