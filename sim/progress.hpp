#pragma once
// A one-line progress display on stderr (only when stderr is a terminal): steps done, simulated
// date, agents, person-steps per second and estimated time left, redrawn at most 4 times a second.

#include <chrono>
#include <cstdint>
#include <string>

namespace sim {

class Progress {
 public:
  Progress(int total_steps, bool enabled);
  void update(int steps_done, const std::string& date, std::size_t agents,
              std::uint64_t person_steps);
  void finish();
  static bool stderr_is_terminal();

 private:
  using Clock = std::chrono::steady_clock;
  int total_steps_;
  bool enabled_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_draw_{};
  bool drawn_ = false;
};

}  // namespace sim
