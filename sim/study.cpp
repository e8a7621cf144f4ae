#include "sim/study.hpp"

#include "sim/experiment.hpp"
#include "sim/experiment_spec.hpp"
#include "sim/output.hpp"
#include "sim/runner.hpp"
#include "sim/version.hpp"

namespace sim {

StudyHead read_study_head(config::Map& root, const config::Document& doc) {
  StudyHead head;
  head.file = doc.path;
  for (const auto& [f, text] : doc.sources) head.text += text;
  head.name = root.get<std::string>("name", doc.path.stem().string());
  head.description = root.get<std::string>("description", "");
  if (!root.has("baseline")) root.missing("baseline");
  head.baseline = scenario_file(root["baseline"], doc.path.parent_path());
  head.replicates = root.get<std::int32_t>("replicates", 1, config::between(1, 10000));
  if (root.has("seed")) head.seed = root["seed"].as<std::uint64_t>();
  head.set = read_overrides(root["set"]);
  return head;
}

std::uint64_t study_root_seed(const std::optional<std::uint64_t>& seed,
                              const std::filesystem::path& baseline,
                              const std::vector<std::string>& overrides) {
  ExperimentSpec as_sweep;  // the study's replicates have a sweep's seeds
  as_sweep.seed = seed;
  as_sweep.scenarios.push_back({"baseline", "", baseline, {}});
  return root_seed(as_sweep, overrides);
}

void check_study_outputs(const std::filesystem::path& study_file,
                         const std::filesystem::path& baseline,
                         const std::vector<std::filesystem::path>& outputs, bool force) {
  std::vector<std::filesystem::path> inputs{study_file};
  for (const auto& [file, text] : config::load_document(baseline).sources)
    inputs.emplace_back(file);
  for (const auto& out : outputs) {
    if (out.empty()) continue;
    remove_stale_temporaries(out);
    check_output_path(out, inputs, force);
  }
}

std::vector<MetadataEntry> provenance_metadata(const StudyProvenance& p) {
  const std::vector<std::pair<std::string, h5::AttributeValue>> entries{
      {"file_kind", p.kind},
      {"schema_version", kFileSchemaVersion},
      {"eldersim_version", std::string(version())},
      {"git_commit", std::string(git_commit())},
      {"root_seed", p.root_seed},
      {"replicates", static_cast<std::int32_t>(p.replicates)},
      {"command_line", p.command_line},
      {"ranks", static_cast<std::int32_t>(p.ranks)},
      {"host", host_name()},
      {"start_time", p.started},
      {"end_time", now_iso8601()},
      {"wall_seconds", p.seconds},
      {"runs", static_cast<std::int64_t>(p.runs)}};
  std::vector<MetadataEntry> out;
  for (const auto& [name, value] : entries) out.push_back(MetadataEntry::of(name, value));
  return out;
}

}  // namespace sim
