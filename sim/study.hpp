#pragma once
// What calibration and sensitivity files share (docs/calibration.md, docs/sensitivity.md): a
// head naming the baseline, the replicates per point, the root seed and the overrides of every
// run; and the provenance that plan, calibration and sensitivity files write to /metadata.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/config_reader.hpp"
#include "sim/run_record.hpp"

namespace sim {

struct StudyHead {
  std::filesystem::path file;
  std::string text;  // of the file, stored in the output
  std::string name, description;
  std::filesystem::path baseline;
  int replicates = 1;
  std::optional<std::uint64_t> seed;  // root seed; default: the baseline's simulation.seed
  std::vector<std::string> set;       // overrides for every run of the study
};

// Reads name, description, baseline, replicates, seed and set; errors go to root's diagnostics.
StudyHead read_study_head(config::Map& root, const config::Document& doc);
// The root seed: the study's own `seed`, or the baseline's simulation.seed after `overrides`.
std::uint64_t study_root_seed(const std::optional<std::uint64_t>& seed,
                              const std::filesystem::path& baseline,
                              const std::vector<std::string>& overrides);
// Before a study runs: removes what killed runs left of each output (empty paths skipped) and
// refuses one that exists (unless `force`) or is one of the inputs (the study file, the
// baseline and the files it extends). Throws std::runtime_error.
void check_study_outputs(const std::filesystem::path& study_file,
                         const std::filesystem::path& baseline,
                         const std::vector<std::filesystem::path>& outputs, bool force);

struct StudyProvenance {
  std::string kind;  // the file_kind: plan, calibration, sensitivity
  std::uint64_t root_seed = 0;
  int replicates = 0;
  std::string command_line;
  int ranks = 1;
  std::string started;  // UTC, as now_iso8601()
  double seconds = 0;
  std::size_t runs = 0;
};
// /metadata entries: file_kind, schema_version, eldersim_version, git_commit, root_seed,
// replicates, command_line, ranks, host, start_time, end_time (now), wall_seconds, runs.
std::vector<MetadataEntry> provenance_metadata(const StudyProvenance& p);

}  // namespace sim
