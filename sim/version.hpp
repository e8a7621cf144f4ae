#pragma once

namespace sim {
// Project version and the git commit the binary was built from (suffix -dirty for local changes).
const char* version();
const char* git_commit();
}  // namespace sim
