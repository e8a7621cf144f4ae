#pragma once
// Finance (design section 3, step 7): what a month of care costs a person and who pays it
// (long-term-care insurance, government vouchers and purchased services, the person), and the
// government's payments to providers (construction, per bed, per person served). Spending is
// accumulated per district and payer; nothing is stored per person.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/care_spec.hpp"
#include "models/people.hpp"
#include "models/scenario.hpp"

namespace eldersim {

inline constexpr double kDaysPerMonth = 365.25 / 12;
inline constexpr double kWeeksPerMonth = 365.25 / 12 / 7;

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

// The target groups a person belongs to (TargetGroup bits).
std::uint8_t target_groups(const People& people, std::size_t i, sim::Day today);

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

// Whether a person gets a benefit restricted to `groups` (all of them required; 0 = everyone).
inline bool in_groups(std::uint8_t person, std::uint8_t required) {
  return (person & required) == required;
}

// Long-term-care insurance enrolment: a fixed uniform per person (its own stream), so changing
// the enrolment share changes who is enrolled consistently and scenarios share draws.
bool ltc_enrolled(std::uint64_t seed, std::uint64_t person_id, double enrolment_share);

}  // namespace eldersim
