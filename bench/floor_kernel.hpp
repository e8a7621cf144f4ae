#pragma once
// The floor kernel: the least work a per-person step can do here, one Philox block drawn and one
// byte written per person, in the same blocks and with the same lane code as the model's sweep.
// The macro benchmark times it in the same process as the model and reports the ratio, so the
// comparison does not depend on the machine's speed that day.

#include <cstdint>
#include <vector>

#include "sim/parallel.hpp"
#include "sim/rng.hpp"

namespace eldersim::bench {

class FloorKernel {
 public:
  explicit FloorKernel(std::size_t people, std::size_t block_size = sim::kDefaultBlockSize)
      : ids_(people), out_(people), block_size_(block_size) {
    for (std::size_t i = 0; i < people; ++i) ids_[i] = i;
  }
  std::size_t people() const { return ids_.size(); }
  // One step for every person (parallel blocks on the calling arena's threads).
  void step(std::uint32_t step) {
    sim::for_each_block(sim::Blocks(ids_.size(), block_size_), [&](const sim::BlockRange& r) {
      thread_local std::vector<std::uint32_t> lanes;
      lanes.resize(4 * block_size_);
      std::uint32_t* l = lanes.data();
      sim::fill_lanes(0x5EED, ids_.data() + r.begin, r.size(), step,
                      {{l, l + block_size_, l + 2 * block_size_, l + 3 * block_size_}});
      for (std::size_t j = 0; j < r.size(); ++j)
        out_[r.begin + j] = static_cast<std::uint8_t>(l[j]);
    });
  }
  std::uint8_t checksum() const {
    std::uint8_t x = 0;
    for (std::uint8_t b : out_) x ^= b;
    return x;
  }

 private:
  std::vector<std::uint64_t> ids_;
  std::vector<std::uint8_t> out_;
  std::size_t block_size_;
};

}  // namespace eldersim::bench
