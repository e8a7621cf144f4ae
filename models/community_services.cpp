#include "models/community_services.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>

#include "models/random_events.hpp"
#include "sim/parallel.hpp"
#include "sim/rng.hpp"

namespace eldersim {

std::vector<std::string> community_service_names() {
  return {"day_care", "canteen", "centre_visit", "purchased_visit"};
}

CommunityServices::CommunityServices(const Scenario& s)
    : scenario_(s), spec_(s.care.community_services) {
  const auto nd = static_cast<std::size_t>(s.district_count());
  users_.assign(nd * kCommunityServices, 0);
  any_.assign(nd, 0);
  meals_.assign(nd, 0.0);
}

double CommunityServices::canteen_probability(int district, int level, std::uint8_t groups,
                                              bool registered, const MealSubsidySpec& meals) const {
  const CanteenSpec& c = spec_.canteens;
  if (!c.enabled) return 0;
  double v = c.constant + c.per_level[static_cast<std::size_t>(level)] +
             c.per_yuan_paid * meals.elder_price(groups, registered).first +
             c.per_10_walk_minutes * c.walk_minutes[static_cast<std::size_t>(district)] / 10;
  if (groups & kGroupOldestOld) v += c.age_80_plus;
  if (groups & kGroupLivingAlone) v += c.living_alone;
  return 1 / (1 + std::exp(-v));
}

void CommunityServices::prepare(const MealSubsidySpec& meals) {
  const auto nd = static_cast<std::size_t>(scenario_.district_count());
  dine_threshold_.assign(class_index(nd, 0, 0, false), 0);
  price_slot_.assign(dine_threshold_.size(), 0);
  for (std::size_t d = 0; d < nd; ++d)
    for (int level = 0; level < kAdlLevels; ++level)
      for (std::uint8_t g = 0; g < 16; ++g)
        for (bool registered : {false, true}) {
          const std::size_t k = class_index(d, level, g, registered);
          dine_threshold_[k] = sim::fixed_threshold(
              canteen_probability(static_cast<int>(d), level, g, registered, meals));
          price_slot_[k] = static_cast<std::uint8_t>(meals.tier_of(g, registered) + 1);
        }
}

namespace {

// One thread's counts.
struct Part {
  std::vector<std::int64_t> users;   // [district][service]
  std::vector<std::int64_t> any;     // [district]
  std::vector<std::int64_t> diners;  // [district][price tier + 1] (0: the full price)
};

bool gets_purchased_visits(std::uint8_t groups, const ProgrammeSpec& programme) {
  return std::any_of(programme.purchased_services.begin(), programme.purchased_services.end(),
                     [groups](const PurchasedServicesSpec& ps) {
                       return ps.hours_per_week > 0 && in_groups(groups, ps.groups);
                     });
}

}  // namespace

void CommunityServices::count(const People& people, sim::Day day, int days,
                              const ProgrammeSpec& programme, std::uint64_t seed,
                              std::size_t block_size, Spending& spending) {
  const auto nd = static_cast<std::size_t>(scenario_.district_count());
  const MealSubsidySpec& meals = programme.meals;
  const std::size_t tiers = meals.tiers.size() + 1;
  prepare(meals);
  // Per person a pass without branches on the uniforms (the comparisons in integers, exact:
  // sim::fixed_threshold), the salts and the purchased-visit rule by group hoisted out of it.
  std::array<std::uint64_t, kAdlLevels> visit{};
  for (std::size_t l = 0; l < kAdlLevels; ++l)
    visit[l] = sim::fixed_threshold(spec_.centre_visits.share_by_level[l]);
  std::array<std::uint8_t, 16> purchased{};
  for (std::uint8_t g = 0; g < 16; ++g) purchased[g] = gets_purchased_visits(g, programme);
  const std::uint64_t canteen_salt = sim::fixed_salt(seed, kind(RandomEvent::kCanteen));
  const std::uint64_t visit_salt = sim::fixed_salt(seed, kind(RandomEvent::kCentreVisit));
  tbb::enumerable_thread_specific<Part> parts([&] {
    return Part{std::vector<std::int64_t>(nd * kCommunityServices, 0),
                std::vector<std::int64_t>(nd, 0), std::vector<std::int64_t>(nd * tiers, 0)};
  });
  sim::for_each_block(sim::Blocks(people.size(), block_size), [&](const sim::BlockRange& r) {
    Part& part = parts.local();
    for (std::size_t i = r.begin; i < r.end; ++i) {
      const auto mode = static_cast<CareMode>(people.care_mode[i]);
      if (!people.alive[i] || mode == kInstitution) continue;
      const std::size_t d = people.district[i];
      const std::uint8_t groups = target_groups(people, i, day);
      const int level = people.adl[i];
      const std::size_t k = class_index(d, level, groups, people.traits[i] & kRegistered);
      // At home without a day-care place, out of hospital: canteens and centre visits.
      const unsigned at_home = mode != kCommunityCare && !people.in_hospital(i);
      const std::uint64_t id = people.id[i];
      const unsigned dines = at_home & (sim::fixed_bits(canteen_salt, id) < dine_threshold_[k]);
      const unsigned visits =
          at_home & (sim::fixed_bits(visit_salt, id) < visit[static_cast<std::size_t>(level)]);
      const unsigned used = (unsigned{mode == kCommunityCare} << kDayCare) | (dines << kCanteen) |
                            (visits << kCentreVisit) |
                            (unsigned{mode == kHomeCare && purchased[groups]} << kPurchasedVisit);
      part.diners[d * tiers + price_slot_[k]] += dines;
      for (int s = 0; s < kCommunityServices; ++s)
        part.users[d * kCommunityServices + static_cast<std::size_t>(s)] += (used >> s) & 1u;
      part.any[d] += used != 0;
    }
  });
  std::fill(users_.begin(), users_.end(), 0);
  std::fill(any_.begin(), any_.end(), 0);
  std::vector<std::int64_t> diners(nd * tiers, 0);
  parts.combine_each([&](const Part& p) {
    for (std::size_t k = 0; k < users_.size(); ++k) users_[k] += p.users[k];
    for (std::size_t k = 0; k < nd; ++k) any_[k] += p.any[k];
    for (std::size_t k = 0; k < diners.size(); ++k) diners[k] += p.diners[k];
  });
  // Each diner's meals of the period, rounded to the fen once per diner.
  const double per_diner = spec_.canteens.meals_per_week * days / 7.0;
  for (std::size_t d = 0; d < nd; ++d) {
    meals_[d] = per_diner * static_cast<double>(users_[d * kCommunityServices + kCanteen]);
    for (std::size_t t = 0; t < tiers; ++t) {
      const std::int64_t n = diners[d * tiers + t];
      if (n == 0) continue;
      const double pays = meals.pays_in(static_cast<int>(t) - 1);
      spending.government_pays(d, kMeals, n * to_fen((meals.meal_price - pays) * per_diner));
      spending.by_payer[d * kPayers + kOutOfPocket] += n * to_fen(pays * per_diner);
    }
  }
}

void CommunityServices::declare(sim::SeriesTable& t, const Census& census) const {
  using sim::ratio_or_nan;
  using sim::SeriesKind;
  using Real = sim::SeriesTable::RealRow;
  const std::vector<std::string> d{"district"};
  const std::size_t nd = static_cast<std::size_t>(scenario_.district_count());
  t.add({"n_community_services",
         {"district", "community_service"},
         SeriesKind::kStock,
         "people",
         "People using each community service at the end of the period: a day-care place "
         "(n_community), canteen meals, centre visits without a place, home visits the "
         "government buys (formal home-care clients in programmes.purchased_services); one "
         "person may use several"},
        sim::copy_of(users_));
  t.add({"n_community_9064", d, SeriesKind::kStock, "people",
         "People using at least one community service (n_community_services, each counted "
         "once): the community tier of 9064 as the plans define it"},
        sim::copy_of(any_));
  t.add({"share_community_9064", d, SeriesKind::kStock, "share",
         "n_community_9064 over the people 60+: the 6 of 9064 as the plans count it (NaN where "
         "nobody lives)"},
        [this, &census, nd](Real row) {
          for (std::size_t k = 0; k < nd; ++k)
            row[k] = ratio_or_nan(static_cast<double>(any_[k]),
                                  static_cast<double>(census.alive_in(static_cast<int>(k))));
        });
  t.add({"share_home_9064", d, SeriesKind::kStock, "share",
         "People 60+ at home using no community service (nor a place in an institution), over "
         "the people 60+: the 90 of 9064 as the plans count it (NaN where nobody lives)"},
        [this, &census, nd](Real row) {
          for (std::size_t k = 0; k < nd; ++k) {
            const auto alive = static_cast<double>(census.alive_in(static_cast<int>(k)));
            const auto institution =
                static_cast<double>(census.in_mode[k * kCareModes + kInstitution]);
            row[k] = ratio_or_nan(alive - institution - static_cast<double>(any_[k]), alive);
          }
        });
  t.add({"new_canteen_meals", d, SeriesKind::kFlow, "meals",
         "Canteen meals in the period: the diners at its end times care.community_services."
         "canteens.meals_per_week over its days"},
        sim::copy_of(meals_));
}

}  // namespace eldersim
