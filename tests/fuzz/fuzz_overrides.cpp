// Fuzz target: `--set key.path=value` overrides, one a line, applied to the small Guangzhou
// scenario and validated, as `eldersim run --set ... CONFIG` does. Each override either applies
// or is refused with a ConfigError, and so is the result; nothing else may happen.
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  sim::config::Document doc = eldersim::fuzz::base_document();
  std::string_view rest = eldersim::fuzz::as_text(data, size);
  try {
    while (!rest.empty()) {
      const std::size_t end = rest.find('\n');
      sim::config::apply_override(doc, rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    }
  } catch (const sim::config::ConfigError&) {
    return 0;
  }
  eldersim::fuzz::validate_or_refuse(doc);
  return 0;
}
