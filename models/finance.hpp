#pragma once
// Finance (design section 3, step 7): what a month of care costs a person and who pays it
// (long-term-care insurance, government vouchers and purchased services, the person), the
// government's payments to providers (construction, per bed, per person served), and the cost
// of the elderly's hospital bed-days (medical insurance and the patient), kept apart from care.
//
// Money is booked in whole fen (1/100 yuan) as integers, so that totals are exact and do not
// depend on how the agents are split into blocks, threads or ranks: each person-step's cost is
// rounded to the fen once, then summed. Nothing is stored per person.

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "models/care_spec.hpp"
#include "models/people.hpp"
#include "models/random_events.hpp"
#include "sim/rng.hpp"
#include "sim/series.hpp"

namespace eldersim {

inline constexpr double kDaysPerMonth = 365.25 / 12;
inline constexpr double kWeeksPerMonth = 365.25 / 12 / 7;

using Fen = std::int64_t;
// Rounded to the nearest fen, halves away from zero (as std::llround, without the library call).
inline Fen to_fen(double yuan) {
  const double fen = yuan * 100;
  // Differs from llround only for the one double just below a half (0.5 - 2^-54 fen), which
  // no amount in yuan times 100 is; a hot path, so no library call.
  // NOLINTNEXTLINE(bugprone-incorrect-roundings)
  return fen >= 0 ? static_cast<Fen>(fen + 0.5) : -static_cast<Fen>(-fen + 0.5);
}

enum Payer : std::uint8_t { kGovernment = 0, kLtcInsurance = 1, kOutOfPocket = 2 };
inline constexpr int kPayers = 3;
std::vector<std::string> payer_names();

// Government spending by instrument.
enum GovernmentSpending : std::uint8_t {
  kConstruction = 0,
  kOperatingPerBed = 1,
  kPerPersonServed = 2,
  kVouchers = 3,
  kPurchasedServices = 4,
  kHomeModification = 5,
  kMeals = 6,
};
inline constexpr int kGovernmentSpendingTypes = 7;
std::vector<std::string> government_spending_names();

// Who pays for hospital care: medical insurance, or the patient.
enum HospitalPayer : std::uint8_t { kMedicalInsurance = 0, kPatient = 1 };
inline constexpr int kHospitalPayers = 2;
std::vector<std::string> hospital_payer_names();

// The target groups a person belongs to on `today` (TargetGroup bits). Inline: the sweep asks
// for everyone in care every step.
inline std::uint8_t target_groups(const People& people, std::size_t i, sim::Day today) {
  constexpr auto kEightyYears = static_cast<sim::Day>(80 * 365.25);
  const std::uint8_t traits = people.traits[i];
  std::uint8_t g = 0;
  if (traits & kNoFamilySupport) g |= kGroupNoFamilySupport;
  if (today - people.birth_day[i] >= kEightyYears) g |= kGroupOldestOld;
  if (living_of(traits) == kAlone) g |= kGroupLivingAlone;
  if (traits & kLowIncomeHousehold) g |= kGroupLowIncome;
  return g;
}

// Whether a person gets a benefit restricted to `groups` (all of them required; 0 = everyone).
inline bool in_groups(std::uint8_t person, std::uint8_t required) {
  return (person & required) == required;
}

struct PersonView {
  int level = 0;
  std::uint8_t groups = 0;  // TargetGroup bits
  bool ltc_enrolled = false;
};

// One month of care in `mode` at `gross` yuan per month (home care: the hours' cost).
struct MonthlyCost {
  double gross = 0;
  double ltc = 0;                 // paid by long-term-care insurance
  double vouchers = 0;            // government vouchers
  double purchased_services = 0;  // government-purchased home care hours
  double out_of_pocket = 0;       // gross minus the above, never negative
};
MonthlyCost monthly_cost(const ProgrammeSpec& programme, const HomeCareSpec& home, CareMode mode,
                         double gross, const PersonView& person);

// Long-term-care insurance: enrolled, and (once eligible) assessed and claiming: two fixed
// uniforms per person, so changing a share changes who is covered consistently and scenarios
// share draws.
inline bool ltc_enrolled(std::uint64_t seed, std::uint64_t person_id, const LtcInsuranceSpec& ltc) {
  return ltc.enrolment_share > 0 &&
         sim::fixed_uniform(seed, person_id, kind(RandomEvent::kLtcEnrolment)) <
             ltc.enrolment_share &&
         ltc.take_up > 0 &&
         sim::fixed_uniform(seed, person_id, kind(RandomEvent::kLtcTakeUp)) < ltc.take_up;
}

// Spending of one period (or one block of a sweep), in fen, by district.
struct Spending {
  std::vector<Fen> by_payer;    // [district][payer]
  std::vector<Fen> government;  // [district][government spending type], also in by_payer
  // Person-days of care with an LTC insurance benefit: [district] (the beneficiaries, counted
  // where the money is booked).
  std::vector<std::int64_t> ltc_beneficiary_days;
  std::vector<Fen> hospital;  // [district][hospital payer]: hospital care, not in by_payer

  Spending() = default;
  explicit Spending(std::size_t districts)
      : by_payer(districts * kPayers, 0),
        government(districts * kGovernmentSpendingTypes, 0),
        ltc_beneficiary_days(districts, 0),
        hospital(districts * kHospitalPayers, 0) {}
  // A government payment of one instrument.
  void government_pays(std::size_t district, GovernmentSpending type, Fen amount) {
    by_payer[district * kPayers + kGovernment] += amount;
    government[district * kGovernmentSpendingTypes + type] += amount;
  }
  // A person's care for `month_share` of a month, split between the payers.
  void person_pays(std::size_t district, const MonthlyCost& cost, double month_share, int days) {
    if (cost.ltc > 0) ltc_beneficiary_days[district] += days;
    government_pays(district, kVouchers, to_fen(cost.vouchers * month_share));
    government_pays(district, kPurchasedServices, to_fen(cost.purchased_services * month_share));
    by_payer[district * kPayers + kLtcInsurance] += to_fen(cost.ltc * month_share);
    by_payer[district * kPayers + kOutOfPocket] += to_fen(cost.out_of_pocket * month_share);
  }
  // Hospital care costing `cost`, of which medical insurance pays `insurance_share` (rounded
  // to the fen) and the patient the rest.
  void hospital_care(std::size_t district, Fen cost, double insurance_share) {
    const auto insurance =
        static_cast<Fen>(std::llround(static_cast<double>(cost) * insurance_share));
    hospital[district * kHospitalPayers + kMedicalInsurance] += insurance;
    hospital[district * kHospitalPayers + kPatient] += cost - insurance;
  }
  void clear();
  void merge(const Spending& other);
  template <class Archive>
  void serialize(Archive& ar) {
    ar(by_payer, government, ltc_beneficiary_days, hospital);
  }
};

// The finance process: the period's spending, and its series.
class Finance {
 public:
  explicit Finance(std::size_t districts) : period_(districts) {}
  Spending& period() { return period_; }
  const Spending& period() const { return period_; }
  void declare(sim::SeriesTable& table) const;
  void clear_period() { period_.clear(); }
  template <class Archive>
  void serialize(Archive& ar) {
    ar(period_);
  }

 private:
  Spending period_;
};

}  // namespace eldersim
