#pragma once
// Wall time per named section of a step, to measure where a run spends its time and which
// share of it runs on one thread only (docs/performance.md: the serial share). Sections are
// declared once with their kind; a Timed scope adds its duration to one section. Scopes nest: a
// parallel stretch inside a serial section is timed as its own section and left out of the
// enclosing one, so each second counts once. The cost is two clock reads per scope, a few
// dozen per step. One thread times (the one that runs the step).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sim {

class SectionTimes {
 public:
  enum class Kind { kParallel, kSerial };
  struct Section {
    std::string name;
    Kind kind;
    double seconds = 0;
    std::uint64_t calls = 0;
  };
  using Clock = std::chrono::steady_clock;

  // The section of this name (declared on first use, in order of first use).
  std::size_t section(std::string_view name, Kind kind) {
    for (std::size_t k = 0; k < sections_.size(); ++k)
      if (sections_[k].name == name) return k;
    sections_.push_back({std::string(name), kind});
    return sections_.size() - 1;
  }
  // Runs f as (part of) the named section.
  template <class F>
  void run(std::string_view name, Kind kind, F&& f);
  void add(std::size_t section, Clock::duration d) {
    sections_[section].seconds += std::chrono::duration<double>(d).count();
    ++sections_[section].calls;
  }
  const std::vector<Section>& sections() const { return sections_; }
  double total() const {
    double t = 0;
    for (const auto& s : sections_) t += s.seconds;
    return t;
  }
  double serial() const {
    double t = 0;
    for (const auto& s : sections_)
      if (s.kind == Kind::kSerial) t += s.seconds;
    return t;
  }
  // Adds another table's sections into this one, each name behind `prefix` (a phase that runs
  // another process's step, timed section by section).
  void merge(const SectionTimes& other, std::string_view prefix) {
    for (const Section& s : other.sections_) {
      Section& to = sections_[section(std::string(prefix) + s.name, s.kind)];
      to.seconds += s.seconds;
      to.calls += s.calls;
    }
  }
  void reset() {
    for (auto& s : sections_) s.seconds = 0, s.calls = 0;
  }

 private:
  friend class Timed;
  std::vector<Section> sections_;
  Clock::duration nested_{};  // time of the scopes nested in the innermost open scope so far
};

// Adds the time from construction to destruction to one section.
class Timed {
 public:
  Timed(SectionTimes& times, std::size_t section)
      : times_(times),
        section_(section),
        outer_nested_(std::exchange(times.nested_, {})),
        start_(SectionTimes::Clock::now()) {}
  Timed(const Timed&) = delete;
  Timed& operator=(const Timed&) = delete;
  ~Timed() {
    const SectionTimes::Clock::duration d = SectionTimes::Clock::now() - start_;
    times_.add(section_, d - times_.nested_);
    times_.nested_ = outer_nested_ + d;  // the enclosing scope leaves all of this one out
  }

 private:
  SectionTimes& times_;
  std::size_t section_;
  SectionTimes::Clock::duration outer_nested_;
  SectionTimes::Clock::time_point start_;
};

template <class F>
void SectionTimes::run(std::string_view name, Kind kind, F&& f) {
  const Timed timed(*this, section(name, kind));
  f();
}

}  // namespace sim
