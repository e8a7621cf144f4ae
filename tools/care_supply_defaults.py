#!/usr/bin/python3
"""Prints the care facility list of configs/guangzhou.yaml: the 2020 supply, back-projected.

Guangzhou publishes its elderly-care supply for the city, not by district, and for 2024, not for
the start of the run, so the default list is built from city totals by a rule (every step an
assumption, overridable in YAML):

  * Beds: 34,000 at the start of 2013 (China Daily, 2013-01-24) and 60,144 at the end of 2024
    (Guangzhou civil affairs bureau): log-linear growth of 4.87% a year over the 12 years, so
    60,144 * (34,000 / 60,144)^(5/12) = 47,422 beds on 2020-01-01.
  * Institutions, community facilities, day-care places and respite beds: the same factor
    (0.788) applied to the 2024 counts (297 institutions, 4,402 community facilities): no series
    was found for them (assumption: they grew like the beds).
  * Beds 35% public, 65% private; day-care places 8 per community facility; one respite bed per
    community facility (assumptions, as before).
  * Every count spread over districts in proportion to the residents 60+ (largest remainders).

Usage: /usr/bin/python3 tools/care_supply_defaults.py > /tmp/facilities.yaml
The "plans and trends" baseline (configs/guangzhou-plans.yaml) grows the places on the same
trend from 2021 (GROWTH below).
"""

import math

from hospital_defaults import DISTRICTS, spread  # the residents 60+ and the rule that spreads counts
BEDS_2013, BEDS_2024 = 34000, 60144  # at 2013-01-01 and 2025-01-01
GROWTH = math.log(BEDS_2024 / BEDS_2013) / 12  # a year, log-linear
FACTOR = math.exp(-5 * GROWTH)  # 2025-01-01 back to 2020-01-01
INSTITUTIONS_2024, COMMUNITY_2024 = 297, 4402
PUBLIC_SHARE = 0.35
PLACES_PER_CENTRE = 8


def main():
    beds = spread(round(BEDS_2024 * FACTOR), list(DISTRICTS))
    homes = spread(round(INSTITUTIONS_2024 * FACTOR), list(DISTRICTS))
    centres = spread(round(COMMUNITY_2024 * FACTOR), list(DISTRICTS))
    print(f"  # {sum(beds.values())} beds, {sum(homes.values())} homes, {sum(centres.values())} "
          f"community facilities (factor {FACTOR:.4f}, growth {math.exp(GROWTH) - 1:.4%} a year)")
    public_prices, private_prices = "&public_prices [1500, 1600, 1900, 2200, 2500]", \
        "&private_prices [1800, 2000, 2300, 2600, 3000]"
    for d in DISTRICTS:
        public = round(beds[d] * PUBLIC_SHARE)
        public_homes = max(1, round(homes[d] * PUBLIC_SHARE))
        print(f"    - {{name: {d} public homes, type: institution, district: {d}, ownership: public, "
              f"places: {public}, homes: {public_homes}, nursing_share: 0.93, "
              f"monthly_price_by_level: {public_prices}}}")
        print(f"    - {{name: {d} private homes, type: institution, district: {d}, ownership: private, "
              f"places: {beds[d] - public}, homes: {max(1, homes[d] - public_homes)}, "
              f"nursing_share: 0.93, monthly_price_by_level: {private_prices}}}")
        print(f"    - {{name: {d} community centres, type: community, district: {d}, "
              f"places: {centres[d] * PLACES_PER_CENTRE}, monthly_price: 600, "
              f"respite_beds: {centres[d]}}}")
        public_prices, private_prices = "*public_prices", "*private_prices"


if __name__ == "__main__":
    main()
