#pragma once
// Community services as the plans count them (seed 000's "6" of 9064: day-care centres,
// community home-care stations, canteens and the services the government buys), beyond the
// day-care places that care allocates:
//   - canteens (长者饭堂): 928 of them covered every street and town of Guangzhou by 2018
//     (figures.md), so a meal takes no place from anyone here. Whether a person at home dines is
//     a logit of their ADL level, age 80+, living alone, the walk to the canteen and what they
//     pay for a meal (programmes.meals: a price, and what each group pays of it);
//   - centre visits: people at home who visit a community centre (activities, rehabilitation,
//     care) without a day-care place, a share by ADL level;
//   - purchased home visits: home-care clients whose hours the government buys
//     (programmes.purchased_services).
// Who dines or visits is decided by a uniform fixed for life (sim::fixed_uniform) against the
// probability of the person's class, so the same people keep using a service while their class
// holds, and a policy moves only those at the margin (common random numbers across scenarios).
// Nothing is stored per person: the users are counted at each period's end with the other
// stocks, and the period's meals are those of its end's diners over its days.

#include <cstdint>
#include <string>
#include <vector>

#include "models/census.hpp"
#include "models/finance.hpp"
#include "models/people.hpp"
#include "models/scenario.hpp"
#include "sim/series.hpp"

namespace eldersim {

enum CommunityService : std::uint8_t {
  kDayCare = 0,
  kCanteen = 1,
  kCentreVisit = 2,
  kPurchasedVisit = 3
};
inline constexpr int kCommunityServices = 4;
std::vector<std::string> community_service_names();

class CommunityServices {
 public:
  explicit CommunityServices(const Scenario& s);

  // The probability that a person at home of this class dines at a canteen.
  double canteen_probability(int district, int level, std::uint8_t groups, bool registered,
                             const MealSubsidySpec& meals) const;
  // Counts the users on `day`, the last of a period of `days` days, and books the period's
  // meals (the government's part and the diners').
  void count(const People& people, sim::Day day, int days, const ProgrammeSpec& programme,
             std::uint64_t seed, std::size_t block_size, Spending& spending);
  void declare(sim::SeriesTable& t, const Census& census) const;

  // The last count (tests).
  const std::vector<std::int64_t>& users() const { return users_; }  // [district][service]
  const std::vector<std::int64_t>& any() const { return any_; }      // [district]

 private:
  // Canteen thresholds for the period: [district][level][groups][registered].
  void prepare(const MealSubsidySpec& meals);
  static std::size_t class_index(std::size_t district, int level, std::uint8_t groups,
                                 bool registered) {
    return ((district * kAdlLevels + static_cast<std::size_t>(level)) * 16 + groups) * 2 +
           (registered ? 1 : 0);
  }

  const Scenario& scenario_;
  const CommunityServicesSpec& spec_;
  // Per class (class_index): the canteen probability as a sim::fixed_threshold.
  std::vector<std::uint64_t> dine_threshold_;
  std::vector<std::uint8_t> price_slot_;  // the same classes: meal price tier + 1 (0: full price)
  std::vector<std::int64_t> users_;       // [district][service]
  std::vector<std::int64_t> any_;         // [district]
  std::vector<double> meals_;             // [district], in the period
};

}  // namespace eldersim
