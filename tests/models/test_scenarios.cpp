// The policy scenarios in configs/ against the baseline: each difference must point the way
// the policy should push it. Runs at 3% scale (one at 5%) to the end of 2027 (three years after the
// 2025 changes); the baseline and the scenario share their random draws (same seed).
#include <gtest/gtest.h>

#include <numeric>

#include "models/finance.hpp"
#include "tests/test_support.hpp"

namespace eldersim {
namespace {

using testing::MemorySink;
using testing::run_in_memory;

std::shared_ptr<const Scenario> config(const std::string& name, const std::string& scale = "0.03",
                                       std::vector<std::string> overrides = {}) {
  overrides.insert(overrides.begin(), {"population.scale=" + scale, "simulation.end=2027-12-31"});
  const auto doc = sim::load_configuration(testing::config_path(name), overrides);
  return std::make_shared<const Scenario>(parse_scenario(doc));
}

MemorySink run_config(const std::string& name, const std::string& scale = "0.03",
                      const std::vector<std::string>& overrides = {}) {
  ElderModel model(config(name, scale, overrides));
  return run_in_memory(model);
}

// A district's index in the default scenario's district axis, by name.
std::size_t district(const std::string& name) {
  static const auto scenario = config("guangzhou.yaml");
  return testing::district_named(*scenario, name);
}

const MemorySink& baseline() {
  static const MemorySink sink = run_config("guangzhou.yaml");
  return sink;
}

// Mean over 2027 of an int series, summed over the given districts (all if empty).
double mean_2027(const MemorySink& s, const std::string& series,
                 std::vector<std::size_t> districts = {}) {
  const auto& rows = s.ints.at(series);
  if (districts.empty())
    for (std::size_t d = 0; d < rows[0].size(); ++d) districts.push_back(d);
  double total = 0;
  for (std::size_t t = rows.size() - 12; t < rows.size(); ++t)
    for (std::size_t d : districts) total += static_cast<double>(rows[t][d]) / 12;
  return total;
}

double spending_2025_2027(const MemorySink& s, Payer payer) {
  double total = 0;
  const auto& rows = s.doubles.at("new_spending");
  for (std::size_t t = rows.size() - 36; t < rows.size(); ++t)
    for (std::size_t d = 0; d < rows[t].size() / kPayers; ++d)
      total += rows[t][d * kPayers + payer];
  return total;
}

TEST(Scenarios, MoreBedsInTheOldCoreRaiseInstitutionalCareThere) {
  const MemorySink more = run_config("beds-core-plus20.yaml");
  const std::vector<std::size_t> core{district("Yuexiu"), district("Liwan"), district("Haizhu")};
  EXPECT_GT(mean_2027(more, "n_institution", core), mean_2027(baseline(), "n_institution", core));
  // 2024 identical: the change starts on 2025-01-01.
  EXPECT_EQ(more.ints.at("n_institution")[59], baseline().ints.at("n_institution")[59]);
}

TEST(Scenarios, ANewHomeInBaiyunAddsBedsAndResidents) {
  const MemorySink with_home = run_config("new-home-baiyun.yaml");
  const std::size_t baiyun = district("Baiyun");
  EXPECT_GT(mean_2027(with_home, "n_institution"), mean_2027(baseline(), "n_institution"));
  const auto& per_1000 = with_home.doubles.at("beds_per_1000");
  const auto& base_per_1000 = baseline().doubles.at("beds_per_1000");
  EXPECT_GT(per_1000.back()[baiyun], base_per_1000.back()[baiyun] + 1.0);
  // The new home has residents.
  const std::size_t home =
      testing::facility_named(*config("new-home-baiyun.yaml"), "Baiyun new nursing home");
  EXPECT_GT(with_home.ints.at("n_occupied_by_facility").back()[home], 0);
}

TEST(Scenarios, WiderLtcInsurancePaysMoreAndPeoplePayLess) {
  const MemorySink wider = run_config("ltc-level2.yaml");
  EXPECT_GT(spending_2025_2027(wider, kLtcInsurance),
            1.1 * spending_2025_2027(baseline(), kLtcInsurance));
  EXPECT_GT(mean_2027(wider, "n_need") - mean_2027(wider, "n_unmet"),
            mean_2027(baseline(), "n_need") - mean_2027(baseline(), "n_unmet"));  // coverage up
}

TEST(Scenarios, VouchersForTheOldestAloneRaiseHomeAndCommunityCare) {
  const MemorySink vouchers = run_config("vouchers-oldest-alone.yaml");
  EXPECT_GT(mean_2027(vouchers, "n_home") + mean_2027(vouchers, "n_community"),
            mean_2027(baseline(), "n_home") + mean_2027(baseline(), "n_community"));
  double paid = 0;
  for (const auto& row : vouchers.doubles.at("new_government_spending"))
    for (std::size_t d = 0; d < 11; ++d) paid += row[d * kGovernmentSpendingTypes + kVouchers];
  EXPECT_GT(paid, 0);
}

TEST(Scenarios, PayingPerPersonInsteadOfPerBedFillsBedsRatherThanBuildingThem) {
  // The rules differ only for homes about half empty (below 50% full and between the occupancies
  // at which each rule's revenue covers the cost of a place, about 46% and 49%), which the
  // baseline (supply on its trend, homes about 90% full) hardly has: Nansha's homes get 70% more
  // beds in 2021 (60% and 80% give the same verdict). At 5% scale (at 3% the homes are few and
  // small). Without second choices, which would send applicants from elsewhere to those beds:
  // the rule under test is the operators', not the applicants'.
  const std::vector<std::string> half_empty{
      "trends=[{date: 2021-01-01, set_places: {districts: [Nansha], type: institution, percent: "
      "70}}]",
      "care.choice.second_choice.enabled=false"};
  const MemorySink per_person = run_config("guangzhou-supply-response.yaml", "0.05", half_empty);
  const MemorySink per_bed = run_config("subsidy-per-bed.yaml", "0.05", half_empty);
  const auto beds = [](const MemorySink& s) {
    const auto& rows = s.ints.at("n_places_by_facility");
    return std::accumulate(rows.back().begin(), rows.back().end(), std::int64_t{0});
  };
  // Per-bed subsidies keep half-empty homes open; paid per person, the least full shrink.
  EXPECT_LT(beds(per_person), beds(per_bed));
  // Government operating subsidies over 2025-2027 stay within 10% of each other (same budget).
  const auto operating = [](const MemorySink& s) {
    double total = 0;
    const auto& rows = s.doubles.at("new_government_spending");
    for (std::size_t t = rows.size() - 36; t < rows.size(); ++t)
      for (std::size_t d = 0; d < 11; ++d)
        total += rows[t][d * kGovernmentSpendingTypes + kOperatingPerBed] +
                 rows[t][d * kGovernmentSpendingTypes + kPerPersonServed];
    return total;
  };
  EXPECT_NEAR(operating(per_person) / operating(per_bed), 1.0, 0.10);
}

}  // namespace
}  // namespace eldersim
