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

std::vector<std::string> hospital_payer_names() {
  return {"medical_insurance", "out_of_pocket"};
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

void Spending::clear() {
  std::fill(by_payer.begin(), by_payer.end(), 0);
  std::fill(government.begin(), government.end(), 0);
  std::fill(ltc_beneficiary_days.begin(), ltc_beneficiary_days.end(), 0);
  std::fill(hospital.begin(), hospital.end(), 0);
}

void Spending::merge(const Spending& o) {
  for (std::size_t k = 0; k < by_payer.size(); ++k) by_payer[k] += o.by_payer[k];
  for (std::size_t k = 0; k < government.size(); ++k) government[k] += o.government[k];
  for (std::size_t k = 0; k < ltc_beneficiary_days.size(); ++k)
    ltc_beneficiary_days[k] += o.ltc_beneficiary_days[k];
  for (std::size_t k = 0; k < hospital.size(); ++k) hospital[k] += o.hospital[k];
}

namespace {
void to_yuan(const std::vector<Fen>& fen, sim::SeriesTable::RealRow row) {
  for (std::size_t k = 0; k < fen.size(); ++k) row[k] = static_cast<double>(fen[k]) / 100;
}
}  // namespace

void Finance::declare(sim::SeriesTable& t) const {
  t.add({"new_spending",
         {"district", "payer"},
         sim::SeriesKind::kFlow,
         "yuan",
         "Spending on care in the period by payer (government, LTC insurance, out of pocket), "
         "booked in whole fen"},
        [this](sim::SeriesTable::RealRow row) { to_yuan(period_.by_payer, row); });
  t.add({"new_government_spending",
         {"district", "government_spending_type"},
         sim::SeriesKind::kFlow,
         "yuan",
         "Government spending in the period by instrument (its sum is the government column of "
         "new_spending)"},
        [this](sim::SeriesTable::RealRow row) { to_yuan(period_.government, row); });
  t.add({"new_ltc_beneficiary_days",
         {"district"},
         sim::SeriesKind::kFlow,
         "person-days",
         "Person-days of formal care paid in part by LTC insurance in the period (the mean "
         "number of beneficiaries is this over the period's days)"},
        [this](sim::SeriesTable::IntRow row) {
          std::copy(period_.ltc_beneficiary_days.begin(), period_.ltc_beneficiary_days.end(),
                    row.begin());
        });
  t.add({"new_hospital_spending",
         {"district", "hospital_payer"},
         sim::SeriesKind::kFlow,
         "yuan",
         "Cost of the elderly's hospital bed-days in the period (hospital_system.cost) by payer "
         "(medical insurance, the patient), by the hospital's district, booked in whole fen; not "
         "in new_spending"},
        [this](sim::SeriesTable::RealRow row) { to_yuan(period_.hospital, row); });
}

}  // namespace eldersim
