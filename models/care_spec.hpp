#pragma once
// The care system's configuration (design sections 3-5): disability dynamics, care supply,
// choice, prices, subsidies and the policy schedule. Parsed once by parse_scenario into these
// immutable structs; the values for Guangzhou and their sources are in configs/guangzhou.yaml.

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/basics.hpp"
#include "sim/calendar.hpp"

namespace eldersim {

// ADL transition intensities (annual, excluding death), piecewise constant by age band and
// evaluated at the band's midpoint: see models/health.hpp for the exact form.
struct HealthSpec {
  double onset_rate_at_65 = 0;
  double onset_age_slope = 0;
  double onset_female_ratio = 1;
  std::array<double, 4> onset_share{1, 0, 0, 0};   // to levels 1..4
  std::array<double, 3> progression_rate_at_65{};  // 1->2, 2->3, 3->4
  double progression_age_slope = 0;
  double progression_female_ratio = 1;
  std::array<double, 4> recovery_rate_at_65{};  // 1->0, 2->1, 3->2, 4->3
  double recovery_age_slope = 0;
  double recovery_female_ratio = 1;
  bool enabled = false;  // false: levels stay as drawn at the start
};

enum class FacilityType : std::uint8_t { kInstitution, kCommunity };
enum class Ownership : std::uint8_t { kPublic, kPrivate };

struct FacilitySpec {
  std::string name;
  FacilityType type = FacilityType::kInstitution;
  int district = 0;
  Ownership ownership = Ownership::kPublic;
  std::int64_t places = 0;   // beds (institution) or day-care places (community), before scaling
  double nursing_share = 0;  // institutions: share of beds that are nursing-type
  std::array<double, kAdlLevels> monthly_price{};  // yuan per month by the resident's ADL level
  std::int64_t respite_beds = 0;  // community: short-stay beds (reported, not allocated)
  sim::Day opens = std::numeric_limits<sim::Day>::min();
  sim::Day closes = std::numeric_limits<sim::Day>::max();
  std::int64_t homes = 1;      // homes this entry stands for (their mean size sets medical care)
  bool hospital_ward = false;  // a hospital's nursing ward (hospital_system): no supply response
  // false: changes to every facility of a district (set_places, set_price by `districts`, the
  // trends) leave it alone; the planning mode's added places are exactly what it adds.
  bool in_district_changes = true;
};

struct HomeCareSpec {
  std::array<double, kAdlLevels> hours_per_week_by_level{};
  double hourly_price = 0;
};

// Multinomial logit coefficients (design section 3 step 5). Utilities are relative to no formal
// care (utility 0). Prices enter in thousands of yuan per month, net of this person's subsidies.
struct ChoiceSpec {
  std::array<double, kCareModes> constant{};         // alternative-specific constants
  std::array<double, 3> price_per_1000_by_income{};  // by income band low, middle, high
  double travel_per_10_minutes = 0;                  // community and institutions
  std::array<double, kCareModes> per_adl_level{};    // times the ADL level
  std::array<double, kCareModes> living_alone{};
  std::array<double, kCareModes> age_80_plus{};
  std::array<double, kCareModes> low_income{};   // income band low
  std::array<double, kCareModes> high_income{};  // income band high
  double inertia = 0;                            // bonus for the alternative the person is in now
  // A chooser whose centre or home has no room takes one of the same mode that has, drawn by the
  // same weights among those whose price and travel terms are at most max_utility_loss below
  // the first choice's; with none, they wait for the first (models/care_choice.hpp).
  bool second_choice = false;
  double second_choice_max_loss = 0;
};

struct SupplyResponseSpec {
  bool enabled = false;
  int review_days = 91;
  int lag_days = 365;
  double occupancy_to_expand = 0.9;
  double occupancy_to_shrink = 0.5;
  double step_share = 0.1;  // share of places added or removed per decision
  // Monthly cost of keeping one more place open, filled or not (yuan): operators compare it
  // with the expected revenue of that place (fees and per-person subsidies times occupancy,
  // plus the per-bed subsidy).
  double monthly_cost_per_place = 1200;
};

// Community services beyond day-care places (models/community_services.hpp): canteens and
// centre visits, used by people at home by a propensity fixed for life.
struct CanteenSpec {
  bool enabled = false;
  double constant = 0;  // logit of dining at a canteen, for a healthy person aged 60-79
  std::array<double, kAdlLevels> per_level{};  // added by ADL level
  double age_80_plus = 0;
  double living_alone = 0;
  double per_yuan_paid = 0;          // times the elder's price of a meal (programmes.meals)
  double per_10_walk_minutes = 0;    // times the walk to the canteen / 10
  std::vector<double> walk_minutes;  // by district
  double meals_per_week = 0;         // by a diner
};
struct CentreVisitSpec {
  // Share of people at home (not in day care or hospital) who visit a community centre for
  // activities, rehabilitation or care without a day-care place.
  std::array<double, kAdlLevels> share_by_level{};
};
struct CommunityServicesSpec {
  CanteenSpec canteens;
  CentreVisitSpec centre_visits;
};

struct CareSpec {
  bool enabled = false;
  int choice_level = 1;   // ADL level from which people consider formal care
  int need_level = 2;     // ADL level counted as care need (n_need, n_unmet, coverage)
  int nursing_level = 2;  // ADL level that needs a nursing-type bed
  int review_days = 365;
  double warm_up_years = 0;  // the care step alone before the start (models/warm_up.cpp)
  std::array<int, kCareModes> renege_days{0, 90, 90, 90};
  bool unlimited_capacity = false;  // for experiments and tests: every request is served
  bool priority_to_targeted = true;
  HomeCareSpec home;
  ChoiceSpec choice;
  std::vector<FacilitySpec> facilities;
  SupplyResponseSpec supply_response;
  CommunityServicesSpec community_services;
};

// Government and insurance programmes: each lever is replaced as a whole by a dated policy event.
enum TargetGroup : std::uint8_t {
  kGroupNoFamilySupport = 1u << 0,
  kGroupOldestOld = 1u << 1,
  kGroupLivingAlone = 1u << 2,
  kGroupLowIncome = 1u << 3,
};

// Paid to providers, by ownership (public, private); "bed" means a day-care place for community
// centres.
struct ProviderSubsidySpec {
  std::array<double, 2> construction_per_new_bed{};
  std::array<double, 2> operating_per_bed_month{};
  std::array<double, 2> per_person_served_month{};
  template <class Archive>
  void serialize(Archive& ar) {
    ar(construction_per_new_bed, operating_per_bed_month, per_person_served_month);
  }
};

struct SubsidySpec {
  ProviderSubsidySpec institution;
  ProviderSubsidySpec community;
  const ProviderSubsidySpec& of(FacilityType type) const {
    return type == FacilityType::kInstitution ? institution : community;
  }
  template <class Archive>
  void serialize(Archive& ar) {
    ar(institution, community);
  }
};

struct VoucherSpec {
  std::string name;
  std::uint8_t groups = 0;  // TargetGroup bits, all required
  std::array<bool, kCareModes> modes{};
  double monthly_amount = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(name, groups, modes, monthly_amount);
  }
};

struct PurchasedServicesSpec {  // government-purchased home care hours for target groups
  std::uint8_t groups = 0;
  double hours_per_week = 0;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(groups, hours_per_week);
  }
};

struct HomeSupportSpec {  // home-modification grants
  std::uint8_t modification_groups = 0;
  int modification_min_level = 1;
  double modification_grant = 0;    // yuan, once per person, when they start home care
  double modification_utility = 0;  // added to the utility of home care for the eligible
  template <class Archive>
  void serialize(Archive& ar) {
    ar(modification_groups, modification_min_level, modification_grant, modification_utility);
  }
};

// Canteen meals (seed 000: meal subsidies paid per actual diner): the price of a meal and what
// the elder pays of it, by group; the government pays the rest.
struct MealPriceTier {
  std::uint8_t groups = 0;  // TargetGroup bits, all required (0: everyone)
  double elder_pays = 0;    // yuan per meal
  template <class Archive>
  void serialize(Archive& ar) {
    ar(groups, elder_pays);
  }
};
struct MealSubsidySpec {
  double meal_price = 0;             // yuan
  bool registered_only = true;       // residents without household registration pay the full price
  std::vector<MealPriceTier> tiers;  // the first whose groups the diner is in; none: full price
  // The tier a diner of these groups is in (-1: none, the full price).
  int tier_of(std::uint8_t groups, bool registered) const {
    if (registered || !registered_only)
      for (std::size_t t = 0; t < tiers.size(); ++t)
        if ((groups & tiers[t].groups) == tiers[t].groups) return static_cast<int>(t);
    return -1;
  }
  // What a diner of a tier pays for a meal (never more than its price).
  double pays_in(int tier) const {
    return tier < 0 ? meal_price
                    : std::min(tiers[static_cast<std::size_t>(tier)].elder_pays, meal_price);
  }
  // Both for a diner: what they pay, and their tier.
  std::pair<double, int> elder_price(std::uint8_t groups, bool registered) const {
    const int tier = tier_of(groups, registered);
    return {pays_in(tier), tier};
  }
  template <class Archive>
  void serialize(Archive& ar) {
    ar(meal_price, registered_only, tiers);
  }
};

struct LtcInsuranceSpec {
  double enrolment_share = 0;
  int eligible_from_level = 5;                     // 5 = nobody
  std::array<double, kCareModes> daily_benefit{};  // by mode (none unused)
  double copay = 1;
  double take_up = 1;  // share of the enrolled who, once eligible, are assessed and claim
  template <class Archive>
  void serialize(Archive& ar) {
    ar(enrolment_share, eligible_from_level, daily_benefit, copay, take_up);
  }
};

// Institutions by size (seed 004): under 100 beds contract a clinic, 100-500 run their own,
// over 500 run an independent medical institution.
inline constexpr int kHomeSizeClasses = 3;

// Medical services tied to care (seeds 000, 001, 004): effects on admissions. A
// set_medical_care policy event replaces it (keys not given keep their values).
struct MedicalCareSpec {
  // Residents of institutions by home size class (<100, 100-500, >500 beds).
  std::array<double, kHomeSizeClasses> resident_admission_ratio{1, 1, 1};
  std::array<double, kHomeSizeClasses> resident_referral_ratio{1, 1, 1};
  // People at home (not in an institution) at or above min_level, covered with a per-person
  // draw below the coverage share: their admission rate times the ratio.
  struct HomeService {
    int min_level = 1;
    double coverage = 0;
    double admission_ratio = 1;
    template <class Archive>
    void serialize(Archive& ar) {
      ar(min_level, coverage, admission_ratio);
    }
  };
  HomeService home_sickbeds;
  HomeService family_doctor;
  // Patients waiting in hospital for a care place go first in the care allocation.
  bool discharge_priority = false;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(resident_admission_ratio, resident_referral_ratio, home_sickbeds, family_doctor,
       discharge_priority);
  }
};

struct ProgrammeSpec {
  SubsidySpec subsidies;
  std::vector<VoucherSpec> vouchers;
  std::vector<PurchasedServicesSpec> purchased_services;
  HomeSupportSpec home_support;
  MealSubsidySpec meals;
  LtcInsuranceSpec ltc;
  MedicalCareSpec medical;
  template <class Archive>
  void serialize(Archive& ar) {
    ar(subsidies, vouchers, purchased_services, home_support, meals, ltc, medical);
  }
};

}  // namespace eldersim
