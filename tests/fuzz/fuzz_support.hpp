#pragma once
// Shared by the fuzz targets (docs/reliability.md, "Fuzzing"): the base scenario they vary, and
// the one rule they all check: bad input is refused with the error type its reader documents,
// and nothing else (a crash, a sanitizer report, another exception) ever happens.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/elder_model.hpp"
#include "sim/config_tree.hpp"
#include "sim/runner.hpp"

namespace eldersim::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}
inline std::span<const std::byte> as_bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const std::byte*>(data), size};
}

// The small Guangzhou scenario, loaded once: fuzzed overlays and overrides vary it, so that
// inputs reach every section's validation rather than stopping at a missing one.
inline const sim::config::Document& base_document() {
  static const sim::config::Document doc = sim::load_configuration(
      std::string(ELDERSIM_SOURCE_DIR) + "/configs/guangzhou-small.yaml", {});
  return doc;
}

// The scenario whose saved state the saved_state target restores: the small one at a twentieth of
// its size over one year, so that its checkpoint (the seed, made by make_state_seeds.cpp) is
// small enough to mutate quickly.
inline std::vector<std::string> small_state_overrides() {
  return {"population.scale=0.0005", "simulation.end=2020-12-31"};
}
inline std::string small_state_config() {
  return std::string(ELDERSIM_SOURCE_DIR) + "/configs/guangzhou-small.yaml";
}

inline const sim::ModelDefinition& model_definition() {
  static const sim::ModelDefinition definition = eldersim::definition();
  return definition;
}

// What `eldersim validate` does with a loaded document; a ConfigError is the expected refusal.
inline void validate_or_refuse(const sim::config::Document& doc) {
  try {
    (void)model_definition().validate(doc);
  } catch (const sim::config::ConfigError&) {
  }
}

}  // namespace eldersim::fuzz
