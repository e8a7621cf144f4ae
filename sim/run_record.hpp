#pragma once
// One finished run held as a value: its dimensions, periods, series rows, descriptive tables and
// provenance. A sweep keeps each finished run as a record on disk (so an interrupted sweep
// resumes) and moves records between MPI ranks as bytes; both use save_record/load_record, whose
// bytes carry a checksum, so a damaged or truncated record is refused, never half read.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "sim/archive.hpp"
#include "sim/config_tree.hpp"
#include "sim/model_api.hpp"
#include "sim/output.hpp"
#include "sim/runner.hpp"

namespace sim {

struct MetadataEntry {
  std::string name;
  std::uint8_t kind = 0;  // the index in h5::AttributeValue
  std::string text;
  std::int64_t integer = 0;
  double real = 0;
  h5::AttributeValue value() const;
  static MetadataEntry of(const std::string& name, const h5::AttributeValue& value);
  template <class Archive>
  void serialize(Archive& ar) {
    ar(name, kind, text, integer, real);
  }
};

struct RunRecord {
  std::vector<DimensionSpec> dims;
  std::vector<std::string> period_start, period_end;
  std::vector<SeriesSpec> specs;
  std::vector<std::vector<std::int64_t>> ints;  // per spec: periods x row (empty for reals)
  std::vector<std::vector<double>> reals;       // per spec: periods x row (empty for integers)
  std::vector<StringTable> tables;
  std::vector<MetadataEntry> metadata;  // the model's provenance (scenario, scale, ...)
  std::string config_resolved;          // the resolved configuration, as YAML
  std::uint64_t config_digest = 0;      // of config_resolved: resume checks it
  std::uint64_t seed = 0;
  double seconds = 0;  // building and stepping
  std::uint64_t person_steps = 0;

  template <class Archive>
  void serialize(Archive& ar) {
    ar(dims, period_start, period_end, specs, ints, reals, tables, metadata, config_resolved,
       config_digest, seed, seconds, person_steps);
  }
  std::size_t index_of(std::string_view series) const;  // throws if absent
};

// A digest of a text (two rounds of SplitMix64's finaliser per 8 bytes): not cryptographic, for
// telling a changed configuration or a damaged record from an intact one.
std::uint64_t text_digest(std::string_view text);

// A run's own checkpoints (inside a sweep): written to `path` every `every` reporting periods and
// when the run is stopped; a run whose checkpoint exists continues from it.
struct RunCheckpoints {
  std::filesystem::path path;  // empty: no checkpoints
  int every = 0;
  int stop_after_steps = -1;  // >= 0: stop as if interrupted before this step (tests)
  bool enabled() const { return !path.empty() && every > 0; }
};

// Builds and runs a model to its end on `threads` threads, collecting every row. Throws
// Interrupted if `stop` becomes true between steps (after writing a checkpoint when asked), and
// whatever the model throws. The rows are the same whether or not it continued from a checkpoint.
RunRecord execute_run(const ModelDefinition& definition, const config::Document& doc,
                      const RunOptions& options, const std::atomic<bool>& stop,
                      const RunCheckpoints& checkpoints = {});

// A run record's bytes begin with this magic word ("ROCERECE") and version (with_checksum).
inline constexpr std::uint64_t kRecordMagic = 0x4543455245434F52ull;
inline constexpr std::uint32_t kRecordVersion = 1;

std::vector<std::byte> save_record(const RunRecord& record);
// Throws ArchiveError for bytes that are not an intact record of this version.
RunRecord load_record(std::span<const std::byte> bytes);

// Bytes with a magic word, a version and a checksum in front, and back (throws ArchiveError for
// bytes of another kind or version, or damaged ones): run records and checkpoints.
std::vector<std::byte> with_checksum(std::uint64_t magic, std::uint32_t version,
                                     const std::vector<std::byte>& body);
std::span<const std::byte> checked_body(std::span<const std::byte> bytes, std::uint64_t magic,
                                        std::uint32_t version, const std::string& what);
// A file's bytes written durably (a temporary file, fsync, rename), and read back.
void write_file_durably(const std::filesystem::path& path, const std::vector<std::byte>& bytes);
std::vector<std::byte> read_file_bytes(const std::filesystem::path& path);

// A value as bytes behind a magic word, version and checksum, and back, decoded whole: throws
// ArchiveError for bytes of another kind or version, damaged ones, or trailing bytes.
template <class T>
std::vector<std::byte> to_checked_bytes(const T& value, std::uint64_t magic,
                                        std::uint32_t version) {
  OutArchive body;
  body(value);
  return with_checksum(magic, version, body.bytes());
}
template <class T>
T from_checked_bytes(std::span<const std::byte> bytes, std::uint64_t magic, std::uint32_t version,
                     const std::string& what) {
  InArchive in(checked_body(bytes, magic, version, what));
  T value;
  in(value);
  if (!in.at_end()) throw ArchiveError("the " + what + " has trailing bytes");
  return value;
}
// The same for a file's bytes; the error names the file.
template <class T>
T read_checked_file(const std::filesystem::path& path, std::uint64_t magic, std::uint32_t version,
                    const std::string& what) {
  try {
    return from_checked_bytes<T>(read_file_bytes(path), magic, version, what);
  } catch (const ArchiveError& e) {
    throw ArchiveError(path.string() + ": " + e.what());
  }
}

// Writes a record to `path` durably (a temporary file, fsync, then rename), and reads it back.
void write_record_file(const std::filesystem::path& path, const RunRecord& record);
RunRecord read_record_file(const std::filesystem::path& path);

}  // namespace sim
