// Fuzz target: an output file, as `eldersim info --verify` reads it: h5::check_file, then every
// attribute and dataset shape printed and every dataset read back. Each input must either read
// or be refused with an h5::Error. The HDF5 library itself is not instrumented and can crash on
// some damaged files (its checksums do not cover everything); `eldersim info` reads in a child
// process for that reason, and tests/fuzz/run-fuzz.sh replays such inputs through it
// (docs/reliability.md).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "sim/file_info.hpp"
#include "sim/h5.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

// One scratch file per process, in memory where /dev/shm exists.
const std::string& scratch_path() {
  static const std::string path =
      (std::filesystem::exists("/dev/shm") ? std::string("/dev/shm") : std::string("/tmp")) +
      "/eldersim-fuzz-h5-" + std::to_string(::getpid()) + ".h5";
  return path;
}

std::FILE* null_output() {
  static std::FILE* out = std::fopen("/dev/null", "w");
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream file(scratch_path(), std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  if (!sim::h5::check_file(scratch_path()).ok) return 0;
  try {
    sim::print_file_info(scratch_path(), true, null_output());
    (void)sim::verify_file(scratch_path());
  } catch (const sim::h5::Error&) {
  }
  return 0;
}
