// The policy levers (models/levers.hpp): each a payload, how it is read and what it does. The
// keys and their meaning are documented in docs/config.md ("policy_events").
#include "models/levers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "models/policy.hpp"
#include "models/scenario_parts.hpp"

namespace eldersim {

namespace {

using sim::config::Map;
using sim::config::Value;
namespace cfg = sim::config;

// ---- facilities: places and prices
// ---------------------------------------------------------------

// Facilities named, or every elderly home (or community centre) of some districts; hospitals'
// nursing wards are changed by name or by bed conversion only.
std::vector<int> read_facility_selection(Map& m, const Scenario& s) {
  std::vector<int> out;
  for (const Value& f : m["facilities"].as_list())
    if (const int i = detail::facility_index(s, f); i >= 0) out.push_back(i);
  if (m.has("districts")) {
    const std::string type = m.choice("type", {"institution", "community"}, "institution");
    for (const int di : detail::district_indices(s, m["districts"])) {
      for (std::size_t f = 0; f < s.care.facilities.size(); ++f)
        if (s.care.facilities[f].district == di && !s.care.facilities[f].hospital_ward &&
            s.care.facilities[f].in_district_changes &&
            (s.care.facilities[f].type == FacilityType::kCommunity) == (type == "community"))
          out.push_back(static_cast<int>(f));
    }
  }
  if (!m.has("facilities") && !m.has("districts")) m.missing("facilities");
  return out;
}

// A new value (places, yuan or beds) or a percent change, whose range the lever gives.
struct Amount {
  bool relative = false;
  double value = 0;  // absolute: places, yuan or beds
  double share = 0;  // relative: percent / 100
  double factor() const { return 1 + share; }
  static Amount read(Map& m, const char* value_key, double max, double min_percent = -100,
                     double max_percent = 1000) {
    Amount a;
    if (m.has(value_key) == m.has("percent"))
      m[value_key].error(fmt::format("give either {} or percent", value_key));
    if (m.has(value_key)) a.value = m.require<double>(value_key, cfg::between(0, max));
    if (m.has("percent")) {
      a.relative = true;
      a.share = m.require<double>("percent", cfg::between(min_percent, max_percent)) / 100;
    }
    return a;
  }
  // A hospital's share of its beds, or a number of beds before scaling.
  double beds_or_share() const { return relative ? share : value; }
};

// set_places: places := value (scaled), or places * (1 + percent / 100).
struct SetPlaces final : Lever {
  std::vector<int> facilities;
  Amount amount;
  static std::shared_ptr<const Lever> parse(const Value& v, Scenario& s) {
    auto lever = std::make_shared<SetPlaces>();
    Map m = v.as_map();
    lever->facilities = read_facility_selection(m, s);
    lever->amount = Amount::read(m, "places", limits::kPlaces);
    m.finish();
    return lever;
  }
  void apply(PolicyContext& ctx) const override {
    const care::Ledger& ledger = ctx.care.ledger();
    for (int f : facilities) {
      const auto i = static_cast<std::size_t>(f);
      set_places(ctx, i,
                 amount.relative
                     ? std::llround(static_cast<double>(ledger.place(i).places) * amount.factor())
                     : std::llround(amount.value * ctx.scenario.population.scale));
    }
  }
};

// set_price: monthly prices := value (every level), or prices * (1 + percent / 100).
struct SetPrice final : Lever {
  std::vector<int> facilities;
  Amount amount;
  static std::shared_ptr<const Lever> parse(const Value& v, Scenario& s) {
    auto lever = std::make_shared<SetPrice>();
    Map m = v.as_map();
    lever->facilities = read_facility_selection(m, s);
    lever->amount = Amount::read(m, "monthly_price", limits::kYuan);
    m.finish();
    return lever;
  }
  void apply(PolicyContext& ctx) const override {
    care::Ledger& ledger = ctx.care.ledger();
    for (int f : facilities) {
      auto prices = ledger.place(static_cast<std::size_t>(f)).monthly_price;
      // Repeated increases stop at the limit of a price (so spending stays finite).
      for (double& price : prices)
        price = amount.relative ? std::min(price * amount.factor(), limits::kYuan) : amount.value;
      ledger.set_price(static_cast<std::size_t>(f), prices);
    }
  }
};

// ---- programmes: each replaces one part of the programmes in force ------------------------------

// A programme lever: from its date it replaces that part; keys it does not give keep their values
// from the programmes section.
template <class Part, auto Member, auto Read>
struct SetProgramme final : Lever {
  Part value;
  static std::shared_ptr<const Lever> parse(const Value& v, Scenario& s) {
    auto lever = std::make_shared<SetProgramme>();
    lever->value = Read(v, s.programmes.*Member);
    return lever;
  }
  void apply(PolicyContext& ctx) const override {
    ctx.programme.*Member = value;
    programme_changed(ctx);
  }
};

SubsidySpec read_subsidies(const Value& v, const SubsidySpec&) {
  return detail::read_subsidies(v);
}
std::vector<VoucherSpec> read_vouchers(const Value& v, const std::vector<VoucherSpec>&) {
  return detail::read_vouchers(v);
}
std::vector<PurchasedServicesSpec> read_purchased(const Value& v,
                                                  const std::vector<PurchasedServicesSpec>&) {
  return detail::read_purchased_services(v);
}

using SetSubsidies = SetProgramme<SubsidySpec, &ProgrammeSpec::subsidies, read_subsidies>;
using SetVouchers = SetProgramme<std::vector<VoucherSpec>, &ProgrammeSpec::vouchers, read_vouchers>;
using SetPurchasedServices = SetProgramme<std::vector<PurchasedServicesSpec>,
                                          &ProgrammeSpec::purchased_services, read_purchased>;
using SetHomeSupport =
    SetProgramme<HomeSupportSpec, &ProgrammeSpec::home_support, detail::read_home_support>;
using SetMeals = SetProgramme<MealSubsidySpec, &ProgrammeSpec::meals, detail::read_meals>;
using SetLtc = SetProgramme<LtcInsuranceSpec, &ProgrammeSpec::ltc, detail::read_ltc>;
using SetMedicalCare =
    SetProgramme<MedicalCareSpec, &ProgrammeSpec::medical, detail::read_medical_care>;

// ---- hospitals ----------------------------------------------------------------------------------

// Hospitals named, or every hospital of a tier (or of every tier: tier all), optionally in some
// districts.
std::vector<int> read_hospital_selection(Map& m, const Scenario& s) {
  std::vector<int> out;
  for (const Value& item : m["hospitals"].as_list())
    if (const int i = detail::hospital_index(s, item); i >= 0) out.push_back(i);
  if (m.has("tier")) {
    const bool every_tier = m["tier"].node()->is_scalar() && m["tier"].as<std::string>() == "all";
    const int tier =
        every_tier ? 0 : m.require<std::int32_t>("tier", cfg::between(1, kHospitalTiers));
    const std::vector<int> districts =
        m.has("districts") ? detail::district_indices(s, m["districts"]) : std::vector<int>{};
    for (std::size_t i = 0; i < s.hospitals.hospitals.size(); ++i) {
      const HospitalSpec& h = s.hospitals.hospitals[i];
      if ((every_tier || h.tier == tier) &&
          (districts.empty() ||
           std::find(districts.begin(), districts.end(), h.district) != districts.end()))
        out.push_back(static_cast<int>(i));
    }
  } else if (m.has("districts")) {
    m["districts"].error("districts selects hospitals together with tier");
  }
  if (!m.has("hospitals") && !m.has("tier")) m.missing("hospitals");
  return out;
}

// add_hospital_beds: acute beds of some hospitals grow by a number of beds (scaled) or a
// percent of each hospital's acute beds (new wards, new buildings: the acute-bed trend).
struct AddHospitalBeds final : Lever {
  std::vector<int> hospitals;
  Amount added;  // beds added to each, or a share of its acute beds
  static std::shared_ptr<const Lever> parse(const Value& v, Scenario& s) {
    auto lever = std::make_shared<AddHospitalBeds>();
    Map m = v.as_map();
    lever->hospitals = read_hospital_selection(m, s);
    lever->added = Amount::read(m, "beds", limits::kPlaces, 0, 1000);
    m.finish();
    return lever;
  }
  void apply(PolicyContext& ctx) const override {
    for (int h : hospitals) ctx.hospitals.add_beds(h, added.relative, added.beds_or_share());
  }
};

// convert_hospital_beds: acute beds of some hospitals become nursing beds (their nursing ward, a
// care facility) or rehabilitation beds (for patients waiting for a care place), a number of
// beds (scaled) or a percent of each hospital's acute beds.
struct ConvertHospitalBeds final : Lever {
  std::vector<int> hospitals;
  Amount converted;  // beds taken from each, or a share of its acute beds
  bool to_nursing = true;
  static std::shared_ptr<const Lever> parse(const Value& v, Scenario& s) {
    auto lever = std::make_shared<ConvertHospitalBeds>();
    Map m = v.as_map();
    lever->hospitals = read_hospital_selection(m, s);
    lever->converted = Amount::read(m, "beds", limits::kPlaces, 0, 100);
    lever->to_nursing = m.choice("to", {"nursing", "rehabilitation"}, "nursing") == "nursing";
    m.finish();
    if (lever->to_nursing)
      for (int i : lever->hospitals) {
        HospitalSpec& h = s.hospitals.hospitals[static_cast<std::size_t>(i)];
        if (h.district >= 0) detail::add_nursing_ward(s, h);
      }
    return lever;
  }
  void apply(PolicyContext& ctx) const override {
    for (int h : hospitals)
      ctx.hospitals.convert_beds(h, converted.relative, converted.beds_or_share(), to_nursing,
                                 ctx.care.ledger());
  }
};

// The registry: the key of each lever in a policy event, in documentation order.
constexpr std::array kLevers{
    LeverKind{"set_places", &SetPlaces::parse},
    LeverKind{"set_price", &SetPrice::parse},
    LeverKind{"set_subsidies", &SetSubsidies::parse},
    LeverKind{"set_vouchers", &SetVouchers::parse},
    LeverKind{"set_purchased_services", &SetPurchasedServices::parse},
    LeverKind{"set_home_support", &SetHomeSupport::parse},
    LeverKind{"set_meals", &SetMeals::parse},
    LeverKind{"set_ltc_insurance", &SetLtc::parse},
    LeverKind{"convert_hospital_beds", &ConvertHospitalBeds::parse},
    LeverKind{"add_hospital_beds", &AddHospitalBeds::parse},
    LeverKind{"set_medical_care", &SetMedicalCare::parse},
};

}  // namespace

std::span<const LeverKind> lever_kinds() {
  return kLevers;
}

}  // namespace eldersim
