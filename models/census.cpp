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
  adl_by_sex_age.assign(nd * kSexes * static_cast<std::size_t>(bands) * kAdlLevels, 0);
  mode_by_adl.assign(nd * kCareModes * kAdlLevels, 0);
  age_days.assign(nd, 0);
  in_mode.assign(nd * kCareModes, 0);
  need.assign(nd, 0);
  unmet.assign(nd, 0);
  waiting.assign(nd * kCareModes, 0);
  waiting_by_duration.assign(nd * kCareModes * care::kWaitBands, 0);
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
  for (auto* v : {&c.alive, &c.adl, &c.adl_by_sex_age, &c.mode_by_adl, &c.age_days, &c.in_mode,
                  &c.need, &c.unmet, &c.waiting, &c.waiting_by_duration, &c.inpatients, &c.delayed})
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
  add(adl_by_sex_age, o.adl_by_sex_age), add(mode_by_adl, o.mode_by_adl);
  add(need, o.need), add(unmet, o.unmet), add(waiting, o.waiting);
  add(waiting_by_duration, o.waiting_by_duration);
  add(inpatients, o.inpatients), add(delayed, o.delayed);
}

namespace {

// One thread's counts: people by joint cell (district, sex, band, ADL level, care mode), in
// which every stock but the rare ones is a marginal, and the sum of ages by district.
struct Joint {
  std::vector<std::int64_t> cells;  // [district][sex][band][level][mode]
  std::vector<std::int64_t> age_days;
  Census rare;                         // waiting and in hospital
  std::vector<std::uint32_t> cell_of;  // a block's cells (kOutside for the dead)
  std::vector<std::int32_t> age_of;
};
constexpr std::uint32_t kOutside = 0xFFFFFFFFu;

}  // namespace

void count_census(const People& people, const Scenario& scenario, sim::Day day,
                  const care::Ledger& ledger, const hospital::State& hospitals,
                  std::size_t block_size, Census& out) {
  const int nd = scenario.district_count(), nb = scenario.bands.count();
  const std::size_t per_district =
      std::size_t{kSexes} * static_cast<std::size_t>(nb) * kAdlLevels * kCareModes;
  const std::size_t n_cells = static_cast<std::size_t>(nd) * per_district;
  tbb::enumerable_thread_specific<Joint> parts([&] {
    return Joint{std::vector<std::int64_t>(n_cells, 0),
                 std::vector<std::int64_t>(static_cast<std::size_t>(nd), 0), Census(nd, nb),
                 std::vector<std::uint32_t>(block_size), std::vector<std::int32_t>(block_size)};
  });
  const AgeBands bands = scenario.bands;
  sim::for_each_block(sim::Blocks(people.size(), block_size), [&](const sim::BlockRange& r) {
    Joint& acc = parts.local();
    std::uint32_t* __restrict cell = acc.cell_of.data();
    std::int32_t* __restrict age = acc.age_of.data();
    const std::uint8_t* __restrict alive = people.alive.data() + r.begin;
    const std::uint16_t* __restrict district = people.district.data() + r.begin;
    const std::uint8_t* __restrict sex = people.sex.data() + r.begin;
    const std::uint8_t* __restrict adl = people.adl.data() + r.begin;
    const std::uint8_t* __restrict mode = people.care_mode.data() + r.begin;
    const std::int32_t* __restrict birth = people.birth_day.data() + r.begin;
    const std::int32_t min_age = bands.min_age, last_band = nb - 1;
    // The cells, vectorised.
#pragma GCC ivdep
    for (std::size_t j = 0; j < r.size(); ++j) {
      const std::int32_t a = day - birth[j];
      const std::int32_t years =
          static_cast<std::int32_t>((4u * static_cast<std::uint32_t>(a < 0 ? 0 : a)) / 1461u);
      std::int32_t band = (years - min_age) / AgeBands::kWidth;
      band = band < 0 ? 0 : (band > last_band ? last_band : band);
      const std::uint32_t c = static_cast<std::uint32_t>(
          (((district[j] * kSexes + sex[j]) * nb + band) * kAdlLevels + adl[j]) * kCareModes +
          mode[j]);
      cell[j] = alive[j] ? c : kOutside;
      age[j] = a;
    }
    for (std::size_t j = 0; j < r.size(); ++j) {
      if (cell[j] == kOutside) continue;
      acc.cells[cell[j]] += 1;
      acc.age_days[district[j]] += age[j];
      const std::size_t i = r.begin + j;
      const auto di = static_cast<std::size_t>(district[j]);
      if (people.waiting(i)) {
        const care::WaitEntry& w = ledger.entry(people.wait_slot[i]);
        acc.rare.waiting[di * kCareModes + w.mode] += 1;
        acc.rare.waiting_by_duration[(di * kCareModes + w.mode) * care::kWaitBands +
                                     care::wait_band_on(w, day)] += 1;
      }
      if (people.in_hospital(i)) {
        acc.rare.inpatients[di] += 1;
        if (hospitals.stay(people.stay[i]).flags & hospital::kDelayedDischarge)
          acc.rare.delayed[di] += 1;
      }
    }
  });
  // The marginals.
  std::vector<std::int64_t> cells(n_cells, 0);
  out = Census(nd, nb);
  parts.combine_each([&](const Joint& p) {
    for (std::size_t k = 0; k < n_cells; ++k) cells[k] += p.cells[k];
    for (std::size_t d = 0; d < p.age_days.size(); ++d) out.age_days[d] += p.age_days[d];
    out.merge(p.rare);
  });
  const int need_level = scenario.care.need_level;
  std::size_t k = 0;
  for (int d = 0; d < nd; ++d)
    for (int s = 0; s < kSexes; ++s)
      for (int b = 0; b < nb; ++b)
        for (int l = 0; l < kAdlLevels; ++l)
          for (int m = 0; m < kCareModes; ++m, ++k) {
            const std::int64_t n = cells[k];
            if (n == 0) continue;
            const auto di = static_cast<std::size_t>(d);
            out.alive[out.cell(d, s, b)] += n;
            out.adl[di * kAdlLevels + static_cast<std::size_t>(l)] += n;
            out.adl_by_sex_age[out.cell(d, s, b) * kAdlLevels + static_cast<std::size_t>(l)] += n;
            out.mode_by_adl[(di * kCareModes + static_cast<std::size_t>(m)) * kAdlLevels +
                            static_cast<std::size_t>(l)] += n;
            out.in_mode[di * kCareModes + static_cast<std::size_t>(m)] += n;
            if (l >= need_level) {
              out.need[di] += n;
              if (m == kNoCare) out.unmet[di] += n;
            }
          }
}

}  // namespace eldersim
