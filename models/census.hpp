#pragma once
// The period-end count: one parallel pass over the living that counts what the stock series of
// every process need (people by district, sex and age band; by ADL level; by care mode; waiting;
// in hospital). Each process declares its own series from these counts.

#include <cstdint>
#include <vector>

#include "models/people.hpp"
#include "models/scenario.hpp"

namespace eldersim {

namespace care {
class Ledger;
}
namespace hospital {
class State;
}

struct Census {
  int n_districts = 0;
  int n_bands = 0;
  std::vector<std::int64_t> alive;                // [district][sex][band]
  std::vector<std::int64_t> adl;                  // [district][level]
  std::vector<std::int64_t> adl_by_sex_age;       // [district][sex][band][level]
  std::vector<std::int64_t> mode_by_adl;          // [district][care mode][level]
  std::vector<std::int64_t> age_days;             // [district], sum of ages in days
  std::vector<std::int64_t> in_mode;              // [district][care mode]
  std::vector<std::int64_t> need;                 // [district], ADL level >= care.need_level
  std::vector<std::int64_t> unmet;                // [district], in need and without formal care
  std::vector<std::int64_t> waiting;              // [district][care mode waited for]
  std::vector<std::int64_t> waiting_by_duration;  // [district][care mode][wait band]
  std::vector<std::int64_t> inpatients;           // [district]
  std::vector<std::int64_t> delayed;  // [district], in hospital waiting for a care place

  Census() = default;
  Census(int districts, int bands);
  std::size_t cell(int district, int sex, int band) const {
    return (static_cast<std::size_t>(district) * kSexes + static_cast<std::size_t>(sex)) *
               static_cast<std::size_t>(n_bands) +
           static_cast<std::size_t>(band);
  }
  std::int64_t alive_in(int district) const;
  void clear();
  void merge(const Census& other);
};

// Counts the living on `day`, in blocks of `block_size` (parallel, merged exactly).
void count_census(const People& people, const Scenario& scenario, sim::Day day,
                  const care::Ledger& ledger, const hospital::State& hospitals,
                  std::size_t block_size, Census& out);

}  // namespace eldersim
