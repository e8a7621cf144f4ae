#include "models/finance.hpp"

#include <algorithm>

#include "models/random_events.hpp"
#include "sim/rng.hpp"

namespace eldersim {

std::vector<std::string> payer_names() {
  return {"government", "ltc_insurance", "out_of_pocket"};
}

std::vector<std::string> government_spending_names() {
  return {"construction", "operating_per_bed",  "per_person_served",
          "vouchers",     "purchased_services", "home_modification",
          "meals"};
}

std::uint8_t target_groups(const People& people, std::size_t i, sim::Day today) {
  std::uint8_t g = 0;
  if (people.flags[i] & kNoFamilySupport) g |= kGroupNoFamilySupport;
  if (today - people.birth_day[i] >= static_cast<sim::Day>(80 * 365.25)) g |= kGroupOldestOld;
  if (people.living[i] == kAlone) g |= kGroupLivingAlone;
  if (people.flags[i] & kLowIncomeHousehold) g |= kGroupLowIncome;
  return g;
}

MonthlyCost monthly_cost(const ProgrammeSpec& programme, const HomeCareSpec& home, CareMode mode,
                         double gross, const PersonView& person) {
  MonthlyCost c;
  c.gross = gross;
  if (mode == kNoCare) return c;
  double left = gross;
  const LtcInsuranceSpec& ltc = programme.ltc;
  if (person.ltc_enrolled && person.level >= ltc.eligible_from_level) {
    c.ltc = std::min(ltc.daily_benefit[mode] * kDaysPerMonth, (1 - ltc.copay) * gross);
    left -= c.ltc;
  }
  for (const VoucherSpec& v : programme.vouchers)
    if (v.modes[mode] && in_groups(person.groups, v.groups)) c.vouchers += v.monthly_amount;
  c.vouchers = std::min(c.vouchers, left);
  left -= c.vouchers;
  if (mode == kHomeCare) {
    for (const PurchasedServicesSpec& p : programme.purchased_services)
      if (in_groups(person.groups, p.groups))
        c.purchased_services += p.hours_per_week * kWeeksPerMonth * home.hourly_price;
    c.purchased_services = std::min(c.purchased_services, left);
    left -= c.purchased_services;
  }
  c.out_of_pocket = std::max(0.0, left);
  return c;
}

bool ltc_enrolled(std::uint64_t seed, std::uint64_t person_id, double enrolment_share) {
  if (enrolment_share <= 0) return false;
  sim::RandomStream rng(seed, person_id, 0, kind(RandomEvent::kLtcEnrolment));
  return rng.uniform() < enrolment_share;
}

}  // namespace eldersim
