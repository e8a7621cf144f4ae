// Fuzz target: a scenario file's text, as `eldersim validate` reads it. The first byte chooses
// whether the text is a whole scenario or an overlay laid over the small Guangzhou scenario
// (as a file that `extends:` it is); the rest is the YAML. Every input must either validate or
// be refused with a ConfigError: any other exception, crash or sanitizer report is a finding.
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool overlay = (data[0] & 1) != 0;
  const std::string_view text = eldersim::fuzz::as_text(data + 1, size - 1);
  sim::config::Document doc;
  if (overlay) doc = eldersim::fuzz::base_document();
  doc.path = "fuzz.yaml";
  doc.sources.emplace_back("fuzz.yaml", std::string(text));
  try {
    sim::config::Node parsed = sim::config::parse_yaml(text, "fuzz.yaml");
    if (overlay)
      sim::config::merge(doc.root, parsed);
    else
      doc.root = std::move(parsed);
  } catch (const sim::config::ConfigError&) {
    return 0;
  }
  eldersim::fuzz::validate_or_refuse(doc);
  return 0;
}
