#pragma once
// The domain's small vocabulary, shared by the scenario, the population and every process:
// sexes, ADL levels, living arrangements, income bands and care modes.

#include <cstdint>

namespace eldersim {

inline constexpr int kSexes = 2;
enum Sex : std::uint8_t { kMale = 0, kFemale = 1 };

// ADL levels after CLHLS: 0 healthy, 1 mild, 2 moderate, 3 heavy, 4 severe.
inline constexpr int kAdlLevels = 5;

inline constexpr int kLivingArrangements = 3;
enum LivingArrangement : std::uint8_t { kAlone = 0, kWithSpouse = 1, kWithChildren = 2 };

inline constexpr int kIncomeBands = 3;
enum IncomeBand : std::uint8_t { kLowIncome = 0, kMiddleIncome = 1, kHighIncome = 2 };

// Care modes; "none" is living at home without formal services.
enum CareMode : std::uint8_t { kNoCare = 0, kHomeCare = 1, kCommunityCare = 2, kInstitution = 3 };
inline constexpr int kCareModes = 4;

}  // namespace eldersim
