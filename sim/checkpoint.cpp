#include "sim/checkpoint.hpp"

#include "sim/archive.hpp"

namespace sim {

std::filesystem::path checkpoint_path(const std::filesystem::path& out) {
  std::filesystem::path p = out;
  p += ".checkpoint";
  return p;
}

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& checkpoint) {
  OutArchive body;
  body(checkpoint);
  write_file_durably(path, with_checksum(kCheckpointMagic, kCheckpointVersion, body.bytes()));
}

Checkpoint decode_checkpoint(std::span<const std::byte> bytes) {
  InArchive in(checked_body(bytes, kCheckpointMagic, kCheckpointVersion, "checkpoint"));
  Checkpoint c;
  in(c);
  if (!in.at_end()) throw ArchiveError("the checkpoint has trailing bytes");
  return c;
}

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  try {
    return decode_checkpoint(read_file_bytes(path));
  } catch (const ArchiveError& e) {
    throw ArchiveError(path.string() + ": " + e.what());
  }
}

}  // namespace sim
