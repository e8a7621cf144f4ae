#pragma once
// Reading an output file for `eldersim info` (docs/reliability.md, "Output integrity"): what it
// holds, and whether every dataset reads back intact. Check the file with h5::check_file first;
// these throw h5::Error saying what is wrong with a file that is damaged or not eldersim's.

#include <cstdint>
#include <cstdio>
#include <filesystem>

#include "sim/h5.hpp"

namespace sim {

// An intact HDF5 file that this build cannot read as its own: not written by eldersim, or of a
// newer schema version. Other h5::Error from these functions mean a damaged file.
class ForeignFile : public h5::Error {
 public:
  using h5::Error::Error;
};

// The schema version of a file from its /metadata group (1 for files written before it was
// recorded); throws ForeignFile for a newer version than this build reads or a malformed one.
std::int64_t file_schema_version(const h5::Group& metadata);
// Prints /metadata and every dataset with its shape to `out`; long texts are cut unless `full`.
void print_file_info(const std::filesystem::path& path, bool full, std::FILE* out);
// Reads every dataset, so that the checksum of every chunk is checked; returns how many there
// are. Throws h5::Error naming the first that cannot be read.
std::size_t verify_file(const std::filesystem::path& path);

}  // namespace sim
