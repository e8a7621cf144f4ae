#pragma once
// Small string helpers shared by the config loader and the CLI.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

std::vector<std::string> split(std::string_view text, char separator);
// A non-negative decimal index, or nullopt.
std::optional<std::size_t> parse_index(std::string_view text);
// Levenshtein edit distance.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` if it is close enough to be a likely typo, else empty.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);
// The items with `separator` between them.
std::string joined(const std::vector<std::string>& items, std::string_view separator);
// 1234567 -> "1,234,567".
std::string with_thousands(long long value);

}  // namespace sim
