// Fuzz target: the saved bytes that `eldersim resume` and `eldersim sweep --resume` read back: a
// checkpoint (sim/checkpoint), a finished run's record in OUT.runs/ (sim/run_record) and the
// model's state inside a checkpoint (ElderModel::restore_state). The input is taken both as a
// whole file (so the magic word, version and checksum checks are exercised) and as the body
// behind a valid header and checksum (so the decoders behind them are). Each must decode or be
// refused with an ArchiveError; nothing else may happen.
#include <memory>
#include <vector>

#include "sim/archive.hpp"
#include "sim/checkpoint.hpp"
#include "sim/run_record.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

template <class Decode>
void decode_or_refuse(Decode&& decode) {
  try {
    decode();
  } catch (const sim::ArchiveError&) {
  }
}

// The model of the seeds' scenario, built once: restore_state checks its input against it.
sim::Model& small_model() {
  static const std::unique_ptr<sim::Model> model = eldersim::fuzz::model_definition().create(
      sim::load_configuration(eldersim::fuzz::small_state_config(),
                              eldersim::fuzz::small_state_overrides()),
      {});
  return *model;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::byte> input = eldersim::fuzz::as_bytes(data, size);
  const std::vector<std::byte> body(input.begin(), input.end());
  decode_or_refuse([&] { (void)sim::load_record(input); });
  decode_or_refuse([&] { (void)sim::decode_checkpoint(input); });
  decode_or_refuse([&] {
    (void)sim::load_record(sim::with_checksum(sim::kRecordMagic, sim::kRecordVersion, body));
  });
  decode_or_refuse([&] {
    (void)sim::decode_checkpoint(
        sim::with_checksum(sim::kCheckpointMagic, sim::kCheckpointVersion, body));
  });
  decode_or_refuse([&] { small_model().restore_state(input); });
  // A checkpoint's state, as resume hands it to the model.
  decode_or_refuse([&] {
    small_model().restore_state(
        sim::decode_checkpoint(
            sim::with_checksum(sim::kCheckpointMagic, sim::kCheckpointVersion, body))
            .state);
  });
  return 0;
}
