#pragma once
// Internal to the scenario parser: the readers of each section, shared between
// scenario.cpp (population and demography) and scenario_care.cpp (the care system).

#include <array>
#include <string>
#include <vector>

#include "models/scenario.hpp"
#include "sim/config_reader.hpp"
#include "sim/text.hpp"

namespace eldersim::detail {

// A list of shares adding up to one (within 0.1%), normalised exactly.
std::vector<double> read_shares(const sim::config::Value& v, std::size_t length);
// The index of the district named by v (with a did-you-mean), or -1 after reporting.
int district_index(const Scenario& s, const sim::config::Value& v);
// The districts a list names, or every district for the word "all".
std::vector<int> district_indices(const Scenario& s, const sim::config::Value& v);
// The index of the item of `items` (anything with a `name`) named by v, or -1 after reporting
// "unknown <what>" with a did-you-mean.
template <class Items>
int index_by_name(const Items& items, const sim::config::Value& v, const char* what) {
  const auto name = v.as<std::string>();
  if (!name) return -1;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].name == *name) return static_cast<int>(i);
    names.push_back(items[i].name);
  }
  std::string message = std::string("unknown ") + what + " \"" + *name + "\"";
  if (const auto near = sim::closest_match(*name, names); !near.empty())
    message += "; did you mean '" + near + "'?";
  v.error(message);
  return -1;
}
// A mapping {home, community, institution} of numbers into an array indexed by CareMode
// (none = 0); absent modes take `fallback`.
std::array<double, kCareModes> read_per_mode(sim::config::Map& parent, const char* key,
                                             double fallback,
                                             const sim::config::Bounds& bounds = {});

// The index of the facility / hospital named by v, or -1 after reporting.
int facility_index(const Scenario& s, const sim::config::Value& v);
int hospital_index(const Scenario& s, const sim::config::Value& v);
// Programme readers (scenario_care.cpp); keys not given keep the values of `base`.
SubsidySpec read_subsidies(const sim::config::Value& v);
std::vector<VoucherSpec> read_vouchers(const sim::config::Value& v);
std::vector<PurchasedServicesSpec> read_purchased_services(const sim::config::Value& v);
HomeSupportSpec read_home_support(const sim::config::Value& v, const HomeSupportSpec& base);
MealSubsidySpec read_meals(const sim::config::Value& v, const MealSubsidySpec& base);
LtcInsuranceSpec read_ltc(const sim::config::Value& v, const LtcInsuranceSpec& base);
// A hospital's nursing ward as a care facility (created once).
void add_nursing_ward(Scenario& s, HospitalSpec& h);

void read_health(sim::config::Map& root, Scenario& s);
void read_care(sim::config::Map& root, Scenario& s);
void read_hospitals(sim::config::Map& root, Scenario& s);
MedicalCareSpec read_medical_care(const sim::config::Value& v, const MedicalCareSpec& base);
void read_programmes(sim::config::Map& root, Scenario& s);
void read_policy_events(sim::config::Map& root, Scenario& s);
void compute_travel_times(sim::config::Map& root, Scenario& s);

}  // namespace eldersim::detail
