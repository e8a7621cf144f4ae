#include "sim/progress.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "sim/text.hpp"

namespace sim {

Progress::Progress(int total_steps, bool enabled) : total_steps_(total_steps), enabled_(enabled) {}

bool Progress::stderr_is_terminal() {
  return ::isatty(STDERR_FILENO) == 1;
}

void Progress::update(int steps_done, const std::string& date, std::size_t agents,
                      std::uint64_t person_steps) {
  if (!enabled_) return;
  const auto now = Clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(250) && steps_done < total_steps_)
    return;
  last_draw_ = now;
  drawn_ = true;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(person_steps) / elapsed : 0.0;
  const double left = steps_done > 0 ? elapsed * (total_steps_ - steps_done) / steps_done : 0.0;
  const auto left_s = static_cast<int>(std::lround(left));
  fmt::print(stderr, "\r[{:>{}}/{}] {}  agents {}  {:.1f} M person-steps/s  left {}:{:02}:{:02} ",
             steps_done, std::to_string(total_steps_).size(), total_steps_, date,
             with_thousands(static_cast<long long>(agents)), rate / 1e6, left_s / 3600,
             left_s / 60 % 60, left_s % 60);
  std::fflush(stderr);
}

void Progress::finish() {
  if (enabled_ && drawn_) fmt::print(stderr, "\n");
}

}  // namespace sim
