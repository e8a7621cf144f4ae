#include "sim/checkpoint.hpp"

#include "sim/archive.hpp"

namespace sim {

namespace {
constexpr std::uint64_t kCheckpointMagic = 0x544E494F504B4345ull;  // "ECKPOINT"
constexpr std::uint32_t kCheckpointVersion = 1;
}  // namespace

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

Checkpoint read_checkpoint(const std::filesystem::path& path) {
  try {
    const std::vector<std::byte> bytes = read_file_bytes(path);
    InArchive in(checked_body(bytes, kCheckpointMagic, kCheckpointVersion, "checkpoint"));
    Checkpoint c;
    in(c);
    if (!in.at_end()) throw ArchiveError("the checkpoint has trailing bytes");
    return c;
  } catch (const ArchiveError& e) {
    throw ArchiveError(path.string() + ": " + e.what());
  }
}

}  // namespace sim
