#include "models/census.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <algorithm>

#include "models/care_ledger.hpp"
#include "models/hospital.hpp"
#include "sim/parallel.hpp"

namespace eldersim {

Census::Census(int districts, int bands) : n_districts(districts), n_bands(bands) {
  const auto nd = static_cast<std::size_t>(districts);
  alive.assign(nd * kSexes * static_cast<std::size_t>(bands), 0);
  adl.assign(nd * kAdlLevels, 0);
  age_days.assign(nd, 0);
  in_mode.assign(nd * kCareModes, 0);
  need.assign(nd, 0);
  unmet.assign(nd, 0);
  waiting.assign(nd * kCareModes, 0);
  inpatients.assign(nd, 0);
  delayed.assign(nd, 0);
}

std::int64_t Census::alive_in(int district) const {
  std::int64_t n = 0;
  for (int s = 0; s < kSexes; ++s)
    for (int b = 0; b < n_bands; ++b) n += alive[cell(district, s, b)];
  return n;
}

namespace {
template <class F>
void each_count(Census& c, F&& f) {
  for (auto* v : {&c.alive, &c.adl, &c.age_days, &c.in_mode, &c.need, &c.unmet, &c.waiting,
                  &c.inpatients, &c.delayed})
    f(*v);
}
}  // namespace

void Census::clear() {
  each_count(*this, [](std::vector<std::int64_t>& v) { std::fill(v.begin(), v.end(), 0); });
}

void Census::merge(const Census& o) {
  const auto add = [](std::vector<std::int64_t>& to, const std::vector<std::int64_t>& from) {
    for (std::size_t k = 0; k < to.size(); ++k) to[k] += from[k];
  };
  add(alive, o.alive), add(adl, o.adl), add(age_days, o.age_days), add(in_mode, o.in_mode);
  add(need, o.need), add(unmet, o.unmet), add(waiting, o.waiting);
  add(inpatients, o.inpatients), add(delayed, o.delayed);
}

void count_census(const People& people, const Scenario& scenario, sim::Day day,
                  const care::Ledger& ledger, const hospital::State& hospitals,
                  std::size_t block_size, Census& out) {
  const int nd = scenario.district_count(), nb = scenario.bands.count();
  const int need_level = scenario.care.need_level;
  tbb::enumerable_thread_specific<Census> parts([&] { return Census(nd, nb); });
  sim::for_each_block(sim::Blocks(people.size(), block_size), [&](const sim::BlockRange& r) {
    Census& acc = parts.local();
    for (std::size_t i = r.begin; i < r.end; ++i) {
      if (!people.alive[i]) continue;
      const int d = people.district[i];
      const auto di = static_cast<std::size_t>(d);
      const std::int32_t age_days = day - people.birth_day[i];
      acc.alive[acc.cell(d, people.sex[i], scenario.bands.band_of_age_days(age_days))] += 1;
      acc.adl[di * kAdlLevels + people.adl[i]] += 1;
      acc.age_days[di] += age_days;
      acc.in_mode[di * kCareModes + people.care_mode[i]] += 1;
      if (people.waiting(i)) acc.waiting[di * kCareModes + ledger.entry(people.wait_slot[i]).mode] += 1;
      if (people.in_hospital(i)) {
        acc.inpatients[di] += 1;
        if (hospitals.stay(people.stay[i]).flags & hospital::kDelayedDischarge)
          acc.delayed[di] += 1;
      }
      if (people.adl[i] >= need_level) {
        acc.need[di] += 1;
        if (people.care_mode[i] == kNoCare) acc.unmet[di] += 1;
      }
    }
  });
  out = Census(nd, nb);
  parts.combine_each([&](const Census& c) { out.merge(c); });
}

}  // namespace eldersim
