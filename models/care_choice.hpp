#pragma once
// The care choice (design section 3 step 5): a multinomial logit over no formal care (utility
// 0), home care, community care at a centre of the person's district and institutional care
// anywhere in the city. Utility = constant + price coefficient (by income band) * net monthly
// price / 1000 + travel coefficient * minutes / 10 + ADL level, living alone, 80+ and income
// terms, + inertia for the person's current mode. The community and institution utilities are
// the log-sum over their facilities, each weighted by its share of places:
// V = constant + terms + log sum_f w_f exp(V_f), V_f = price and travel terms, so adding a
// facility changes demand through its price and distance, not through its mere number. The
// centre or home a person is in now enters with weight exp(V_f + inertia) instead (staying is
// its own alternative). Within the mode a facility is drawn with probability weight / sum.
// If the facility drawn has no room, the chooser may take one that has (second_choice): the
// city's placement of applicants where beds are free, limited by how much worse the place is
// for them (price and distance), so that empty beds beside queues arise only from those. Room
// is judged by the care step after the choices, in priority order against the places free
// then (CareSystem::place_requests), and exactly at a discharge from hospital.
//
// The facility weights depend on the person only through a class (district, income band, ADL
// level, target groups, LTC enrolment), so they are computed once per class and kept until the
// offer (places, prices, openings) or the programmes change.

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "models/care_ledger.hpp"
#include "models/scenario.hpp"
#include "sim/rng.hpp"

namespace eldersim::care {

// What a chooser brings to the choice.
struct Chooser {
  int district = 0;
  int level = 0;
  int income = kMiddleIncome;
  bool living_alone = false;
  bool age_80_plus = false;
  std::uint8_t groups = 0;  // TargetGroup bits
  bool ltc_enrolled = false;
  CareMode current = kNoCare;
  int current_facility = -1;
  CareMode excluded = kNoCare;  // a mode just reneged on (kNoCare: none excluded)
};

// Mode utilities (-inf where unavailable) and, for community and institution, the facility
// weights w_f exp(V_f) to draw from: the whole choice, for tests and inspection.
struct ChoiceSet {
  std::array<double, kCareModes> utility{};
  std::vector<std::pair<int, double>> community;    // (facility, weight)
  std::vector<std::pair<int, double>> institution;  // (facility, weight)
};
// Logit probabilities of the four modes.
std::array<double, kCareModes> mode_probabilities(const ChoiceSet& set);

struct Choice {
  CareMode mode = kNoCare;
  std::uint16_t facility = kNoFacility;
};

class ChoiceModel {
 public:
  explicit ChoiceModel(const Scenario& s) : scenario_(s) {}

  // Makes the facility weights of every chooser's class ready for this offer and programme
  // (missing classes are built in parallel). draw() needs them.
  void prepare(std::span<const Chooser> choosers, const Ledger& ledger,
               const ProgrammeSpec& programme, std::uint64_t programme_version);
  // The full choice set, computed afresh (no cache).
  ChoiceSet choice_set(const Chooser& c, const Ledger& ledger,
                       const ProgrammeSpec& programme) const;
  // Draws the mode, then the facility, from two uniforms of rng.
  Choice draw(const Chooser& c, sim::RandomStream& rng) const;
  // For a chooser whose drawn facility has no room (`first`): another of the same mode for
  // which has_room holds, drawn with uniform u by the same weights among those whose price and
  // travel terms V_f are at most max_loss below the first's; kNoFacility if none. Someone who
  // holds a place of that mode keeps it and waits. Needs prepare() for the chooser's class.
  std::uint16_t second_choice(const Chooser& c, const Choice& first,
                              const std::function<bool(std::size_t)>& has_room, double max_loss,
                              double u) const;
  // Forgets every class (after a restore: the state it was built for is gone).
  void clear() { classes_.clear(), built_ = false; }

 private:
  struct Options {
    std::vector<std::uint16_t> facility;  // in facility order
    std::vector<double> value;            // V_f
    std::vector<double> cumulative;       // prefix sums of w_f = share_f exp(V_f)
  };
  struct ClassWeights {
    bool home_available = false;
    double home_value = 0;  // price and home-support terms of home care
    Options community, institution;
  };
  static std::uint32_t class_key(const Chooser& c);
  ClassWeights build(const Chooser& c, const Ledger& ledger, const ProgrammeSpec& programme) const;
  double person_terms(const Chooser& c, int mode) const;
  // Weight sum of a mode's options for this chooser (the held facility with its inertia), and
  // the position of the held facility (-1 if none).
  double chooser_sum(const Chooser& c, CareMode mode, const Options& o, int& held) const;

  const Scenario& scenario_;
  std::unordered_map<std::uint32_t, ClassWeights> classes_;
  bool built_ = false;
  std::uint64_t offer_version_ = 0;
  std::uint64_t programme_version_ = 0;
};

}  // namespace eldersim::care
