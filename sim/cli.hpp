#pragma once
// The command line (CLI11): run, validate and info, for any model.
//   eldersim run CONFIG [--out FILE] [--seed N] [--threads N] [--set key.path=value ...] [--quiet]
//   eldersim validate CONFIG [--set key.path=value ...]
//   eldersim info FILE.h5 [--full]
// Exit codes: 0 success, 1 runtime failure, 2 bad configuration or usage, 130 interrupted.

#include "sim/model_api.hpp"

namespace sim {

int run_cli(int argc, char** argv, const ModelDefinition& model);

}  // namespace sim
