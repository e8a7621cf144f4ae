// Writes the seeds of the saved_state fuzz target (tests/fuzz/corpus/saved_state/): a checkpoint
// of the seeds' scenario (fuzz_support.hpp) taken after two steps, the same checkpoint's body
// alone, and the run record of that scenario run to its end, as `eldersim sweep` keeps it.
//   build/tests/fuzz/fuzz_make_state_seeds tests/fuzz/corpus/saved_state
#include <atomic>
#include <cstdio>

#include "sim/archive.hpp"
#include "sim/checkpoint.hpp"
#include "sim/run_record.hpp"
#include "tests/fuzz/fuzz_support.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir(argv[1]);
  std::filesystem::create_directories(dir);
  const auto& model = eldersim::fuzz::model_definition();
  const std::string config = eldersim::fuzz::small_state_config();
  const std::vector<std::string> overrides = eldersim::fuzz::small_state_overrides();

  sim::RunRequest request;
  request.config_path = config;
  request.out_path = dir / "seed-run.h5";
  request.overrides = overrides;
  request.options.threads = 1;
  request.checkpoint_every = 1;
  request.stop_after_steps = 2;
  request.force = true;
  try {
    sim::run_model(model, request);
  } catch (const sim::Interrupted&) {  // stopped after two steps, as asked, with a checkpoint
  }
  const auto checkpoint = sim::checkpoint_path(request.out_path);
  std::filesystem::rename(checkpoint, dir / "checkpoint-after-2-steps");
  const sim::Checkpoint c = sim::read_checkpoint(dir / "checkpoint-after-2-steps");
  sim::OutArchive body;
  body(c);
  sim::write_file_durably(dir / "checkpoint-body", body.bytes());

  const std::atomic<bool> never{false};
  const sim::RunRecord record = sim::execute_run(model, sim::load_configuration(config, overrides),
                                                 sim::RunOptions{1, 0}, never);
  sim::write_record_file(dir / "run-record", record);
  sim::write_file_durably(dir / "model-state", c.state);
  std::printf("wrote the seeds to %s\n", dir.c_str());
  return 0;
}
