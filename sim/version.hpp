#pragma once

#include <cstdint>

namespace sim {
// Project version and the git commit the binary was built from (suffix -dirty for local changes).
const char* version();
const char* git_commit();

// The version of the layout of the files eldersim writes (docs/hdf5-schema.md), stored in each
// as the /metadata attribute schema_version. Raised when a change would make a reader of the old
// layout misread the new one. Files written before it was recorded have none: they are version 1.
inline constexpr std::int64_t kFileSchemaVersion = 2;
inline constexpr std::int64_t kOldestReadableSchema = 1;
}  // namespace sim
