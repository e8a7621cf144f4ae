#!/usr/bin/python3
"""Writes a starting eldersim config for a city from a CSV of its district figures.

    /usr/bin/python3 results/new_city.py DISTRICTS.csv --city NAME [--like configs/guangzhou.yaml]
        [--base configs/base/borrowed-from-guangzhou.yaml] [--out configs/NAME.yaml] [--force]

The CSV has one row per district. Required columns: ``district`` (a name), ``older_population``
(residents aged 60+ on the census date, population.counted_on of the base: 2020-11-01), ``lat``
and ``lon`` (the district centre, for travel times). Optional columns, each left empty where a
district has no figure: ``registered_share``, ``home_care_hours_per_week``, ``beds``
(elderly-care beds), ``public_share`` (of those beds), ``community_places`` (day-care places),
``hospital_beds`` (all acute beds), or ``tier3_beds``, ``tier2_beds``, ``tier1_beds`` and
``private_beds``, ``walk_minutes`` (to a canteen). Lines starting with ``#`` before the header are
the sources: they are copied to the top of the config.

What a district's row does not give is borrowed from the ``--like`` config as a rate per person
aged 60+ (beds, day-care places, home-care hours, hospital beds by tier and ownership) or a share
(public beds, nursing-type beds, registration), and marked "borrowed" next to the value; prices,
home sizes, respite beds and the hospitals' nursing wards follow the like config's entries. The
config extends ``--base`` (Guangzhou's behaviour without its districts, facilities and hospitals:
configs/base/borrowed-from-guangzhou.yaml), so everything else (choice, health, mortality,
programmes) is Guangzhou's until the city replaces it. docs/new-city.md says which values matter
most and how to calibrate them. Exit status 2 on a bad CSV, with the file, line and column.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

REQUIRED = ("district", "older_population", "lat", "lon")
OPTIONAL = ("registered_share", "home_care_hours_per_week", "beds", "public_share", "community_places",
            "hospital_beds", "tier3_beds", "tier2_beds", "tier1_beds", "private_beds", "walk_minutes")
TIER_COLUMNS = {(3, "public"): "tier3_beds", (2, "public"): "tier2_beds", (1, "public"): "tier1_beds",
                (2, "private"): "private_beds"}
TIER_WORDS = {3: "tertiary", 2: "secondary", 1: "primary"}
WHOLE = {"beds", "community_places", "hospital_beds", "tier3_beds", "tier2_beds", "tier1_beds", "private_beds"}
PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class CsvError(Exception):
    """A bad CSV: the message names the file, line and column."""


@dataclass
class District:
    name: str
    older: int
    lat: float
    lon: float
    line: int
    given: dict = field(default_factory=dict)  # optional column -> float


def read_csv(path: Path) -> tuple[list[str], list[District]]:
    sources, rows = [], []
    with open(path, newline="", encoding="utf-8-sig") as f:  # an Excel export starts with a BOM
        lines = f.read().splitlines()
    first = 0
    while first < len(lines) and (lines[first].startswith("#") or not lines[first].strip()):
        if lines[first].startswith("#"):
            sources.append(lines[first].lstrip("#").strip())
        first += 1
    reader = csv.DictReader(lines[first:])
    header = reader.fieldnames or []
    for column in REQUIRED:
        if column not in header:
            raise CsvError(f"{path}:{first + 1}: missing column '{column}' (the header has {', '.join(header)})")
    for column in header:
        if column not in REQUIRED and column not in OPTIONAL:
            raise CsvError(f"{path}:{first + 1}: unknown column '{column}'; known: {', '.join(REQUIRED + OPTIONAL)}")
    tiers = [c for c in TIER_COLUMNS.values() if c in header]
    if "hospital_beds" in header and tiers:
        raise CsvError(f"{path}:{first + 1}: give hospital_beds or the beds by tier ({', '.join(tiers)}), not both")
    seen = {}
    for row in reader:
        line = first + reader.line_num

        def number(column, low=0.0, high=math.inf):
            text = (row.get(column) or "").strip()
            try:
                value = float(text)
            except ValueError:
                raise CsvError(f"{path}:{line}: column '{column}': '{text}' is not a number") from None
            if not (low <= value <= high) or math.isnan(value):
                raise CsvError(f"{path}:{line}: column '{column}': {text} is outside [{low}, {high}]")
            return value

        name = (row.get("district") or "").strip()
        if not name:
            raise CsvError(f"{path}:{line}: column 'district' is empty")
        if name in seen:
            raise CsvError(f"{path}:{line}: district '{name}' given twice (first on line {seen[name]})")
        seen[name] = line
        older = number("older_population", 1, 1e9)
        if older != int(older):
            raise CsvError(f"{path}:{line}: column 'older_population': {older} is not a whole number")
        d = District(name, int(older), number("lat", -90, 90), number("lon", -180, 180), line)
        for column in OPTIONAL:
            if column in header and (row.get(column) or "").strip():
                # The engine's limits (docs/config.md "Limits"): places and beds 10^7, hours 10^9.
                high = {"home_care_hours_per_week": 1e9, "walk_minutes": 1e4}.get(
                    column, 1.0 if column.endswith("share") else 1e7)
                value = number(column, 0, high)
                if column in WHOLE and value != int(value):
                    raise CsvError(f"{path}:{line}: column '{column}': {value} is not a whole number")
                d.given[column] = value
        rows.append(d)
    if not rows:
        raise CsvError(f"{path}: no districts")
    return sources, rows


@dataclass
class Rates:
    """The like config's supply per person aged 60+, and its other defaults."""
    older: float
    beds: float
    public_share: float
    nursing_share: float
    beds_per_home: float
    community: float
    respite_per_place: float
    hours: float
    registered_share: float
    hospital: dict  # (tier, ownership) -> beds per person 60+
    nursing_per_primary_bed: float
    public_prices: list
    private_prices: list
    community_price: float
    private_background: float | None


def like_rates(path: Path) -> Rates:
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "extends" in cfg:
        raise SystemExit(f"{path}: give a config without 'extends' as --like (its figures are read directly)")
    districts = cfg["districts"]
    older = float(sum(d["older_population"] for d in districts))
    facilities = cfg["care"]["facilities"]
    homes = [f for f in facilities if f.get("type", "institution") == "institution"]
    centres = [f for f in facilities if f.get("type") == "community"]
    beds = sum(f["places"] for f in homes)
    public = sum(f["places"] for f in homes if f.get("ownership", "public") == "public")
    hospitals = cfg["hospital_system"]["hospitals"]
    by_kind: dict = {}
    for h in hospitals:
        key = (h["tier"], h.get("ownership", "public"))
        by_kind[key] = by_kind.get(key, 0) + h["beds"]
    primary = [h for h in hospitals if h["tier"] == 1 and h.get("ownership", "public") == "public"]
    private = [h for h in hospitals if h.get("ownership") == "private" and "background_occupancy" in h]
    first = lambda own: next(f for f in homes if f.get("ownership", "public") == own)  # noqa: E731
    return Rates(
        older=older,
        beds=beds / older,
        public_share=public / beds,
        nursing_share=sum(f.get("nursing_share", 1.0) * f["places"] for f in homes) / beds,
        beds_per_home=beds / sum(f.get("homes", 1) for f in homes),
        community=sum(f["places"] for f in centres) / older,
        respite_per_place=sum(f.get("respite_beds", 0) for f in centres) / max(1, sum(f["places"] for f in centres)),
        hours=sum(d.get("home_care_hours_per_week", 0) for d in districts) / older,
        registered_share=sum(d.get("registered_share", 1.0) * d["older_population"] for d in districts) / older,
        hospital={k: v / older for k, v in by_kind.items()},
        nursing_per_primary_bed=sum(h.get("nursing_beds", 0) for h in primary) / max(1, sum(h["beds"] for h in primary)),
        public_prices=list(first("public")["monthly_price_by_level"]),
        private_prices=list(first("private")["monthly_price_by_level"]),
        community_price=float(centres[0]["monthly_price"]),
        private_background=private[0]["background_occupancy"] if private else None,
    )


def base_walk_minutes(base: Path) -> float:
    """The base's canteen walk (a number), for the districts the CSV gives none."""
    cfg = yaml.safe_load(base.read_text(encoding="utf-8")) or {}
    walk = (((cfg.get("care") or {}).get("community_services") or {}).get("canteens") or {}).get("walk_minutes")
    if not isinstance(walk, (int, float)):
        raise SystemExit(f"{base}: care.community_services.canteens.walk_minutes is not a number; give "
                         "walk_minutes for every district in the CSV")
    return float(walk)


def flow(items: dict) -> str:
    """A one-line YAML mapping in the order given."""
    def scalar(v):
        if isinstance(v, dict):
            return flow(v)
        if isinstance(v, list):
            return "[" + ", ".join(scalar(x) for x in v) + "]"
        if isinstance(v, float):
            return f"{v:.6g}" if abs(v) < 1e4 else f"{v:.0f}"
        if isinstance(v, str):
            return quoted(v)
        return str(v)
    return "{" + ", ".join(f"{quoted(k)}: {scalar(v)}" for k, v in items.items()) + "}"


def quoted(v: str) -> str:
    """A YAML string: plain words as they are, anything else quoted (a comma, a colon, "yes")."""
    return v if PLAIN.fullmatch(v) and v.lower() not in ("yes", "no", "on", "off", "true", "false", "null") \
        else json.dumps(v, ensure_ascii=False)


def write_config(csv_path: Path, city: str, like: Path, base: Path, out: Path) -> str:
    sources, districts = read_csv(csv_path)
    r = like_rates(like)
    name = city.lower().replace(" ", "-")
    borrowed: set = set()
    lines = [f"# eldersim scenario: {city}, {len(districts)} districts. Written by results/new_city.py from",
             f"# {csv_path.name} with the figures of that file; every value it did not give is borrowed from",
             f"# {like.name} as a rate per person aged 60+ or a share, marked 'borrowed' at the end of its",
             "# line. Everything else is the base's (Guangzhou's behaviour): docs/new-city.md.", "#"]
    lines += [f"# {s}" for s in sources] or ["# (the CSV names no sources)"]
    lines += ["", f"extends: {os.path.relpath(base, out.parent)}", "",
              "scenario:", f"  name: {quoted(name + '-baseline')}", f"  city: {quoted(city)}", "  description: >-",
              f"    Residents aged 60+ of {city}'s {len(districts)} districts (census 2020), written by",
              "    results/new_city.py; supply frozen at the figures given (no trends).", "", "districts:"]

    def value(d: District, column: str, derived: float, digits: int = 0):
        if column in d.given:
            return d.given[column], False
        borrowed.add(column)
        return (round(derived, digits) if digits else int(round(derived))), True

    for d in districts:
        reg, b1 = value(d, "registered_share", r.registered_share, 4)
        hours, b2 = value(d, "home_care_hours_per_week", r.hours * d.older)
        note = "   # borrowed: " + ", ".join(c for c, b in (("registered_share", b1), ("home-care hours", b2)) if b) if b1 or b2 else ""
        lines.append("  - " + flow({"name": d.name, "older_population": d.older, "registered_share": reg,
                                    "home_care_hours_per_week": hours,
                                    "location": {"lat": d.lat, "lon": d.lon}}) + note)
    lines += ["", "care:", "  facilities:"]
    for d in districts:
        beds, bb = value(d, "beds", r.beds * d.older)
        share, bs = value(d, "public_share", r.public_share, 4)
        public = int(round(beds * share))
        for own, places, prices in (("public", public, r.public_prices), ("private", beds - public, r.private_prices)):
            homes = max(1, int(round(places / r.beds_per_home)))
            note = "   # borrowed: beds per 60+" if bb else ("   # borrowed: public share" if bs else "")
            lines.append("    - " + flow({"name": f"{d.name} {own} homes", "type": "institution", "district": d.name,
                                          "ownership": own, "places": places, "homes": homes,
                                          "nursing_share": round(r.nursing_share, 3),
                                          "monthly_price_by_level": prices}) + note)
        places, bc = value(d, "community_places", r.community * d.older)
        lines.append("    - " + flow({"name": f"{d.name} community centres", "type": "community", "district": d.name,
                                      "places": places, "monthly_price": r.community_price,
                                      "respite_beds": int(round(places * r.respite_per_place))})
                     + ("   # borrowed: places per 60+" if bc else ""))
    walks = {d.name: d.given["walk_minutes"] for d in districts if "walk_minutes" in d.given}
    if walks and len(walks) < len(districts):
        walks = {"default": base_walk_minutes(base), **walks}  # the others keep the base's walk
    if walks:
        lines += ["  community_services:", "    canteens:", "      walk_minutes: " + flow(walks)]
    lines += ["", "hospital_system:", "  hospitals:"]
    for d in districts:
        total = d.given.get("hospital_beds")
        like_total = sum(r.hospital.values())
        for (tier, own), rate in sorted(r.hospital.items(), key=lambda kv: (kv[0][1], -kv[0][0])):
            column = TIER_COLUMNS.get((tier, own))
            if column and column in d.given:
                beds, note = int(d.given[column]), ""
            elif total is not None:
                beds, note = int(round(total * rate / like_total)), "   # split like the like config's tiers"
            else:
                beds, note = int(round(rate * d.older)), "   # borrowed: beds per 60+"
                borrowed.add("hospital beds")
            if beds <= 0:
                continue
            entry = {"name": f"{d.name} {TIER_WORDS[tier] if own == 'public' else 'private'}", "district": d.name,
                     "tier": tier, "ownership": own, "beds": beds}
            if tier == 1 and own == "public" and r.nursing_per_primary_bed > 0:
                entry["nursing_beds"] = int(round(beds * r.nursing_per_primary_bed))
            if own == "private" and r.private_background is not None:
                entry["background_occupancy"] = r.private_background
            lines.append("    - " + flow(entry) + note)
    lines.append("")
    text = "\n".join(lines)
    if borrowed:
        text = text.replace("#\n", f"# Borrowed for some districts: {', '.join(sorted(borrowed))}.\n#\n", 1)
    return text


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("csv", type=Path)
    p.add_argument("--city", required=True, help="the city's name (scenario.city)")
    root = Path(__file__).resolve().parents[1]
    p.add_argument("--like", type=Path, default=root / "configs" / "guangzhou.yaml")
    p.add_argument("--base", type=Path, default=root / "configs" / "base" / "borrowed-from-guangzhou.yaml")
    p.add_argument("--out", type=Path, help="default configs/<city>.yaml")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    a = p.parse_args(argv)
    out = a.out or root / "configs" / f"{a.city.lower().replace(' ', '-')}.yaml"
    if out.exists() and not a.force:
        print(f"{out} exists: pass --force to replace it", file=sys.stderr)
        return 1
    try:
        text = write_config(a.csv, a.city, a.like.resolve(), a.base.resolve(), out.resolve())
    except CsvError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: check it with `build/eldersim validate {out}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
