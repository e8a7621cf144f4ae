#pragma once
// The care system's configuration (design sections 3-5): disability dynamics, care supply,
// choice, prices, subsidies and the policy schedule. Parsed once by parse_scenario into these
// immutable structs; the values for Guangzhou and their sources are in configs/guangzhou.yaml.

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "sim/calendar.hpp"

namespace eldersim {

inline constexpr int kAdlLevelCount = 5;

// Care modes; "none" is living at home without formal services.
enum CareMode : std::uint8_t { kNoCare = 0, kHomeCare = 1, kCommunityCare = 2, kInstitution = 3 };
inline constexpr int kCareModes = 4;

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
  std::array<double, kAdlLevelCount> monthly_price{};  // yuan per month by the resident's ADL level
  std::int64_t respite_beds = 0;  // community: short-stay beds (reported, not allocated)
  sim::Day opens = std::numeric_limits<sim::Day>::min();
  sim::Day closes = std::numeric_limits<sim::Day>::max();
  std::int64_t homes = 1;      // homes this entry stands for (their mean size sets medical care)
  bool hospital_ward = false;  // a hospital's nursing ward (hospital_system): no supply response
};

struct HomeCareSpec {
  std::array<double, kAdlLevelCount> hours_per_week_by_level{};
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

struct CareSpec {
  bool enabled = false;
  int choice_level = 1;   // ADL level from which people consider formal care
  int need_level = 2;     // ADL level counted as care need (n_need, n_unmet, coverage)
  int nursing_level = 2;  // ADL level that needs a nursing-type bed
  int review_days = 365;
  std::array<int, kCareModes> renege_days{0, 90, 90, 90};
  bool unlimited_capacity = false;  // for experiments and tests: every request is served
  bool priority_to_targeted = true;
  HomeCareSpec home;
  ChoiceSpec choice;
  std::vector<FacilitySpec> facilities;
  SupplyResponseSpec supply_response;
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
};

struct SubsidySpec {
  ProviderSubsidySpec institution;
  ProviderSubsidySpec community;
  const ProviderSubsidySpec& of(FacilityType type) const {
    return type == FacilityType::kInstitution ? institution : community;
  }
};

struct VoucherSpec {
  std::string name;
  std::uint8_t groups = 0;  // TargetGroup bits, all required
  std::array<bool, kCareModes> modes{};
  double monthly_amount = 0;
};

struct PurchasedServicesSpec {  // government-purchased home care hours for target groups
  std::uint8_t groups = 0;
  double hours_per_week = 0;
};

struct HomeSupportSpec {  // home-modification grants and meal subsidies
  std::uint8_t modification_groups = 0;
  int modification_min_level = 1;
  double modification_grant = 0;    // yuan, once per person, when they start home care
  double modification_utility = 0;  // added to the utility of home care for the eligible
  std::uint8_t meal_groups = 0;
  double meal_subsidy_per_week = 0;  // yuan per week for eligible people in home care
  double meal_utility = 0;
};

struct LtcInsuranceSpec {
  double enrolment_share = 0;
  int eligible_from_level = 5;                     // 5 = nobody
  std::array<double, kCareModes> daily_benefit{};  // by mode (none unused)
  double copay = 1;
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
  };
  HomeService home_sickbeds;
  HomeService family_doctor;
  // Patients waiting in hospital for a care place go first in the care allocation.
  bool discharge_priority = false;
};

struct ProgrammeSpec {
  SubsidySpec subsidies;
  std::vector<VoucherSpec> vouchers;
  std::vector<PurchasedServicesSpec> purchased_services;
  HomeSupportSpec home_support;
  LtcInsuranceSpec ltc;
  MedicalCareSpec medical;
};

// A dated change (design section 4). Exactly one action per event. Facilities open and close
// on the dates in their own spec.
struct PolicyEvent {
  enum class Kind {
    kSetPlaces,  // places := value, or places * factor
    kSetPrice,   // monthly prices := value (all levels), or prices * factor
    kSetSubsidies,
    kSetVouchers,
    kSetPurchasedServices,
    kSetHomeSupport,
    kSetLtc,
    kConvertHospitalBeds,  // hospitals' acute beds -> their nursing or rehabilitation beds
    kSetMedicalCare,
  };
  Kind kind = Kind::kSetPlaces;
  sim::Day date = 0;
  std::vector<int> facilities;  // targets of facility events
  double value = 0;             // places or price
  double factor = 1;            // multiplicative change
  bool relative = false;        // true: use factor
  ProgrammeSpec programme;      // for kSet* programme events: the new setting of that lever
  std::vector<int> hospitals;   // targets of kConvertHospitalBeds
  bool to_nursing = true;       // kConvertHospitalBeds: to nursing (else rehabilitation) beds
  std::string description;      // free text, for the reader of the scenario
};

}  // namespace eldersim
