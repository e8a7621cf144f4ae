#include "models/care_choice.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/finance.hpp"

namespace eldersim::care {

namespace {
constexpr double kUnavailable = -std::numeric_limits<double>::infinity();
}  // namespace

std::array<double, kCareModes> mode_probabilities(const ChoiceSet& set) {
  double top = kUnavailable;
  for (double u : set.utility) top = std::max(top, u);
  std::array<double, kCareModes> p{};
  double sum = 0;
  for (std::size_t m = 0; m < kCareModes; ++m) {
    p[m] = std::isinf(set.utility[m]) ? 0.0 : std::exp(set.utility[m] - top);
    sum += p[m];
  }
  for (double& x : p) x /= sum;
  return p;
}

std::uint32_t ChoiceModel::class_key(const Chooser& c) {
  return static_cast<std::uint32_t>(c.district) << 16 | static_cast<std::uint32_t>(c.income) << 12 |
         static_cast<std::uint32_t>(c.level) << 8 | static_cast<std::uint32_t>(c.groups) << 1 |
         (c.ltc_enrolled ? 1u : 0u);
}

double ChoiceModel::person_terms(const Chooser& c, int mode) const {
  const ChoiceSpec& k = scenario_.care.choice;
  const auto m = static_cast<std::size_t>(mode);
  double v = k.constant[m] + k.per_adl_level[m] * c.level;
  if (c.living_alone) v += k.living_alone[m];
  if (c.age_80_plus) v += k.age_80_plus[m];
  if (c.income == kLowIncome) v += k.low_income[m];
  if (c.income == kHighIncome) v += k.high_income[m];
  // Inertia goes to the alternative held: home care here, the very centre or home below.
  if (c.current == mode && mode == kHomeCare) v += k.inertia;
  return v;
}

ChoiceModel::ClassWeights ChoiceModel::build(const Chooser& c, const Ledger& ledger,
                                             const ProgrammeSpec& programme) const {
  const Scenario& s = scenario_;
  const ChoiceSpec& k = s.care.choice;
  const double price_coefficient = k.price_per_1000_by_income[static_cast<std::size_t>(c.income)];
  const PersonView person{c.level, c.groups, c.ltc_enrolled};
  const auto net_price = [&](CareMode mode, double gross) {
    return monthly_cost(programme, s.care.home, mode, gross, person).out_of_pocket;
  };
  ClassWeights w;
  // Home care: the hours the level needs at the hourly price, plus home-support effects.
  const double hours = s.care.home.hours_per_week_by_level[static_cast<std::size_t>(c.level)];
  const HomeSupportSpec& hs = programme.home_support;
  w.home_value = price_coefficient *
                 net_price(kHomeCare, hours * kWeeksPerMonth * s.care.home.hourly_price) / 1000;
  if (hs.modification_utility != 0 && c.level >= hs.modification_min_level &&
      in_groups(c.groups, hs.modification_groups))
    w.home_value += hs.modification_utility;
  w.home_available = hours > 0 && ledger.home_hours(static_cast<std::size_t>(c.district)) > 0;
  // Community and institutions: open facilities of the mode with places, weighted by their
  // share of places; community centres only in the own district.
  for (CareMode mode : {kCommunityCare, kInstitution}) {
    Options& o = mode == kCommunityCare ? w.community : w.institution;
    const auto offers = [&](std::size_t f) {
      const FacilitySpec& spec = s.care.facilities[f];
      const Place& p = ledger.place(f);
      return (spec.type == FacilityType::kCommunity) == (mode == kCommunityCare) && p.open &&
             p.places > 0 && (mode != kCommunityCare || spec.district == c.district);
    };
    double total_places = 0;
    for (std::size_t f = 0; f < s.care.facilities.size(); ++f)
      if (offers(f)) total_places += static_cast<double>(ledger.place(f).places);
    double sum = 0;
    for (std::size_t f = 0; f < s.care.facilities.size(); ++f) {
      if (!offers(f)) continue;
      const Place& p = ledger.place(f);
      const double v =
          price_coefficient * net_price(mode, p.monthly_price[static_cast<std::size_t>(c.level)]) /
              1000 +
          k.travel_per_10_minutes * s.travel(c.district, s.care.facilities[f].district) / 10;
      sum += static_cast<double>(p.places) / total_places * std::exp(v);
      o.facility.push_back(static_cast<std::uint16_t>(f));
      o.value.push_back(v);
      o.cumulative.push_back(sum);
    }
  }
  return w;
}

void ChoiceModel::prepare(std::span<const Chooser> choosers, const Ledger& ledger,
                          const ProgrammeSpec& programme, std::uint64_t programme_version) {
  if (!built_ || ledger.offer_version() != offer_version_ ||
      programme_version != programme_version_) {
    classes_.clear();
    built_ = true;
    offer_version_ = ledger.offer_version();
    programme_version_ = programme_version;
  }
  std::vector<std::pair<std::uint32_t, const Chooser*>> missing;
  for (const Chooser& c : choosers)
    if (!classes_.contains(class_key(c))) missing.emplace_back(class_key(c), &c);
  if (missing.empty()) return;
  std::sort(missing.begin(), missing.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  missing.erase(std::unique(missing.begin(), missing.end(),
                            [](const auto& a, const auto& b) { return a.first == b.first; }),
                missing.end());
  std::vector<ClassWeights> built(missing.size());
  tbb::parallel_for(std::size_t{0}, missing.size(), [&](std::size_t k) {
    built[k] = build(*missing[k].second, ledger, programme);
  });
  for (std::size_t k = 0; k < missing.size(); ++k)
    classes_.emplace(missing[k].first, std::move(built[k]));
}

double ChoiceModel::chooser_sum(const Chooser& c, CareMode mode, const Options& o,
                                int& held) const {
  held = -1;
  double sum = o.cumulative.empty() ? 0.0 : o.cumulative.back();
  if (c.current != mode || c.current_facility < 0) return sum;
  const auto it = std::lower_bound(o.facility.begin(), o.facility.end(),
                                   static_cast<std::uint16_t>(c.current_facility));
  if (it == o.facility.end() || *it != c.current_facility) return sum;
  held = static_cast<int>(it - o.facility.begin());
  const auto h = static_cast<std::size_t>(held);
  const double share_weight = o.cumulative[h] - (h ? o.cumulative[h - 1] : 0.0);
  return sum - share_weight + std::exp(o.value[h] + scenario_.care.choice.inertia);
}

Choice ChoiceModel::draw(const Chooser& c, sim::RandomStream& rng) const {
  const ClassWeights& w = classes_.at(class_key(c));
  std::array<double, kCareModes> utility{0, kUnavailable, kUnavailable, kUnavailable};
  if (w.home_available) utility[kHomeCare] = person_terms(c, kHomeCare) + w.home_value;
  int held[kCareModes] = {-1, -1, -1, -1};
  double sums[kCareModes] = {0, 0, 0, 0};
  for (CareMode mode : {kCommunityCare, kInstitution}) {
    const Options& o = mode == kCommunityCare ? w.community : w.institution;
    sums[mode] = chooser_sum(c, mode, o, held[mode]);
    if (sums[mode] > 0) utility[mode] = person_terms(c, mode) + std::log(sums[mode]);
  }
  if (c.excluded != kNoCare) utility[c.excluded] = kUnavailable;
  ChoiceSet set;
  set.utility = utility;
  const auto p = mode_probabilities(set);
  Choice out;
  out.mode = static_cast<CareMode>(rng.categorical(p));
  if (out.mode != kCommunityCare && out.mode != kInstitution) return out;
  // The facility: the first whose cumulative weight exceeds the target, with the held
  // facility's weight replaced by its inertia weight.
  const Options& o = out.mode == kCommunityCare ? w.community : w.institution;
  const int h = held[out.mode];
  double target = rng.uniform() * sums[out.mode];
  const auto pick = [&](double t, std::size_t from, std::size_t to) {
    const auto it = std::upper_bound(o.cumulative.begin() + static_cast<std::ptrdiff_t>(from),
                                     o.cumulative.begin() + static_cast<std::ptrdiff_t>(to), t);
    return std::min<std::size_t>(static_cast<std::size_t>(it - o.cumulative.begin()), to - 1);
  };
  std::size_t k;
  if (h < 0) {
    k = pick(target, 0, o.cumulative.size());
  } else {
    const auto hh = static_cast<std::size_t>(h);
    const double before = hh ? o.cumulative[hh - 1] : 0.0;
    const double held_weight = std::exp(o.value[hh] + scenario_.care.choice.inertia);
    if (target < before)
      k = pick(target, 0, hh);
    else if (target < before + held_weight || hh + 1 == o.cumulative.size())
      k = hh;
    else
      k = pick(target - held_weight + (o.cumulative[hh] - before), hh + 1, o.cumulative.size());
  }
  out.facility = o.facility[k];
  return out;
}

std::uint16_t ChoiceModel::second_choice(const Chooser& c, const Choice& first,
                                         const std::function<bool(std::size_t)>& has_room,
                                         double max_loss, double u) const {
  if (c.current == first.mode) return kNoFacility;
  const ClassWeights& w = classes_.at(class_key(c));
  const Options& o = first.mode == kCommunityCare ? w.community : w.institution;
  const auto it = std::lower_bound(o.facility.begin(), o.facility.end(), first.facility);
  if (it == o.facility.end() || *it != first.facility) return kNoFacility;
  const double floor = o.value[static_cast<std::size_t>(it - o.facility.begin())] - max_loss;
  const auto weight = [&](std::size_t k) {
    if (o.facility[k] == first.facility || o.value[k] < floor || !has_room(o.facility[k]))
      return 0.0;
    return o.cumulative[k] - (k ? o.cumulative[k - 1] : 0.0);
  };
  double sum = 0;
  for (std::size_t k = 0; k < o.facility.size(); ++k) sum += weight(k);
  if (sum <= 0) return kNoFacility;
  const double target = u * sum;
  double below = 0;
  std::size_t last = 0;
  for (std::size_t k = 0; k < o.facility.size(); ++k) {
    const double wk = weight(k);
    if (wk <= 0) continue;
    last = k;
    below += wk;
    if (target < below) return o.facility[k];
  }
  return o.facility[last];  // rounding at the top end
}

ChoiceSet ChoiceModel::choice_set(const Chooser& c, const Ledger& ledger,
                                  const ProgrammeSpec& programme) const {
  const ClassWeights w = build(c, ledger, programme);
  ChoiceSet set;
  set.utility = {0, kUnavailable, kUnavailable, kUnavailable};
  if (w.home_available) set.utility[kHomeCare] = person_terms(c, kHomeCare) + w.home_value;
  for (CareMode mode : {kCommunityCare, kInstitution}) {
    const Options& o = mode == kCommunityCare ? w.community : w.institution;
    auto& out = mode == kCommunityCare ? set.community : set.institution;
    int held = -1;
    const double sum = chooser_sum(c, mode, o, held);
    for (std::size_t j = 0; j < o.facility.size(); ++j) {
      const double weight = static_cast<int>(j) == held
                                ? std::exp(o.value[j] + scenario_.care.choice.inertia)
                                : o.cumulative[j] - (j ? o.cumulative[j - 1] : 0.0);
      out.emplace_back(o.facility[j], weight);
    }
    if (sum > 0) set.utility[mode] = person_terms(c, mode) + std::log(sum);
  }
  if (c.excluded != kNoCare) set.utility[c.excluded] = kUnavailable;
  return set;
}

}  // namespace eldersim::care
