#!/usr/bin/python3
"""Prints the hospital list of configs/guangzhou.yaml from the documented allocation rule.

Guangzhou publishes hospital beds for the city, not by district and tier, so the default list is
built from city totals by a rule (every step an assumption, overridable in YAML):

  * 93,067 hospital beds in 2020 (Guangzhou Statistical Yearbook 2022, table 18-19), of which
    1,419 in nursing hospitals: those become nursing beds (hospital nursing wards).
  * 21.2% of beds private (22,554 of 106,513 health-institution beds in 2021, same yearbook):
    modelled as one private tier-2 unit per district.
  * Public beds: 60% tertiary, 30% secondary, 10% primary (assumption: Guangzhou is a regional
    medical centre with many tertiary hospitals).
  * Tertiary beds: 85% in the five central districts (Yuexiu, Liwan, Haizhu, Tianhe, Baiyun),
    15% in the six outer ones, each part in proportion to the districts' residents 60+.
    Secondary, primary and private beds: in proportion to the districts' residents 60+.
  * Nursing-hospital beds go to the primary units, in proportion to the 60+.

Each district then has four units (public tiers 3, 2, 1 and a private tier 2), each standing
for all hospitals of that kind in the district.

Usage: /usr/bin/python3 tools/hospital_defaults.py > /tmp/hospitals.yaml
"""

DISTRICTS = {  # residents 60+ in 2020, as in configs/guangzhou.yaml
    "Yuexiu": 372150, "Liwan": 264164, "Haizhu": 336865, "Tianhe": 168610, "Baiyun": 218696,
    "Huangpu": 90462, "Panyu": 173939, "Huadu": 146113, "Nansha": 90817, "Conghua": 102895,
    "Zengcheng": 165887,
}
CENTRAL = ["Yuexiu", "Liwan", "Haizhu", "Tianhe", "Baiyun"]
TOTAL_BEDS = 93067
NURSING_HOSPITAL_BEDS = 1419
PRIVATE_SHARE = 22554 / 106513
PUBLIC_TIERS = {3: 0.60, 2: 0.30, 1: 0.10}
TERTIARY_CENTRAL_SHARE = 0.85


def spread(total, districts):
    """Whole counts in proportion to the 60+ of `districts`, largest remainders, summing exactly."""
    weight = sum(DISTRICTS[d] for d in districts)
    raw = {d: total * DISTRICTS[d] / weight for d in districts}
    beds = {d: int(raw[d]) for d in districts}
    for d in sorted(districts, key=lambda d: raw[d] - beds[d], reverse=True)[: total - sum(beds.values())]:
        beds[d] += 1
    return beds


def main():
    acute = TOTAL_BEDS - NURSING_HOSPITAL_BEDS
    private = round(acute * PRIVATE_SHARE)
    public = acute - private
    tier_beds = {3: round(public * PUBLIC_TIERS[3]), 2: round(public * PUBLIC_TIERS[2])}
    tier_beds[1] = public - tier_beds[3] - tier_beds[2]
    outer = [d for d in DISTRICTS if d not in CENTRAL]
    central_tertiary = round(tier_beds[3] * TERTIARY_CENTRAL_SHARE)
    by_tier = {3: {**spread(central_tertiary, CENTRAL), **spread(tier_beds[3] - central_tertiary, outer)},
               2: spread(tier_beds[2], list(DISTRICTS)), 1: spread(tier_beds[1], list(DISTRICTS))}
    private_beds = spread(private, list(DISTRICTS))
    nursing = spread(NURSING_HOSPITAL_BEDS, list(DISTRICTS))
    names = {3: "tertiary", 2: "secondary", 1: "primary"}
    background = "&private_background 0.55"
    for d in DISTRICTS:
        for tier in (3, 2, 1):
            extra = f", nursing_beds: {nursing[d]}" if tier == 1 else ""
            print(f"    - {{name: {d} {names[tier]}, district: {d}, tier: {tier}, ownership: public, "
                  f"beds: {by_tier[tier][d]}{extra}}}")
        print(f"    - {{name: {d} private, district: {d}, tier: 2, ownership: private, "
              f"beds: {private_beds[d]}, background_occupancy: {background}}}")
        background = "*private_background"


if __name__ == "__main__":
    main()
