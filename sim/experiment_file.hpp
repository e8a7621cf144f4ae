#pragma once
// The sweep file (docs/experiments.md): every run's series stacked along leading scenario and
// replicate axes, dimensions that differ between scenarios (a facility one scenario opens) laid
// over the union of their labels, the scenario definitions, seeds and parameter draws, and per
// series the mean across replicates and the paired difference against the baseline, each with
// its 95% interval. Written to a temporary file renamed into place only when complete.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sim/h5.hpp"
#include "sim/run_record.hpp"

namespace sim {

struct ScenarioRecord {
  std::string name;
  std::string description;
  std::string config_file;
  std::vector<std::string> overrides;
};

struct ParameterRecord {
  std::string path;
  std::string distribution;
  std::string source;
};

struct ExperimentContents {
  std::vector<ScenarioRecord> scenarios;  // [0] the baseline
  int replicates = 1;
  std::vector<ParameterRecord> parameters;
  std::vector<std::vector<double>> parameter_values;  // [replicate][parameter]
  std::vector<std::vector<std::uint64_t>> seeds;      // [scenario][replicate]
  std::vector<std::vector<std::uint64_t>> population_seeds;
  std::vector<MetadataEntry> metadata;  // /metadata, besides the baseline run's own
  // Reads the record of (scenario, replicate); called at most twice per record.
  std::function<RunRecord(std::size_t, int)> record;
  // Writes more groups into the file before it is closed (the plan's search), if set.
  std::function<void(const h5::Group& root)> extra;
};

// A file written under `temporary` (OUT.tmp-PID) and renamed to `final_path` by commit(); removed
// if never committed, so a file under the final name is always complete.
struct PendingFile {
  std::filesystem::path final_path, temporary;
  bool committed = false;
  explicit PendingFile(std::filesystem::path out);
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;
  ~PendingFile();
  void commit();
};

// A 2-D [rows x columns] dataset with a `dims` attribute.
void write_rows(const h5::Group& g, const std::string& name,
                const std::vector<std::vector<std::int64_t>>& rows, const std::string& dims);
void write_rows(const h5::Group& g, const std::string& name,
                const std::vector<std::vector<double>>& rows, const std::string& dims);

void write_experiment_file(const std::filesystem::path& out, const ExperimentContents& contents);

}  // namespace sim
