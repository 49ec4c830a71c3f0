"""Arithmetic on official division codes: the one place that slices a code.

Codes nest by prefix: a community (12 digits) lies in its street (the first 9), in its district (the first
6), in its city (the first 4 and "00"). Cities end in "00": their districts are 4403xx, so a city's scope
prefix drops the zeros. Everything here is pure string work (no database); `Division` rows hold the names.
"""

from __future__ import annotations

COMMUNITY_LEN, STREET_LEN, DISTRICT_LEN = 12, 9, 6

# Functional areas (功能区) such as 大鹏新区 are run as districts but have no code of their own in the national
# scheme: their streets keep codes under another district (葵涌 440307009 under 龙岗 440307). The tree (the
# shipped data/divisions/shenzhen.csv) says where a street belongs, and the code arithmetic below follows it:
# the area's subtree holds its streets, and the district whose code they carry leaves them out. A test checks
# this table against the loaded tree.
MOVED_UNITS: dict[str, str] = {
    "440307009": "440399",  # 葵涌街道 → 大鹏新区
    "440307010": "440399",  # 大鹏街道 → 大鹏新区
    "440307011": "440399",  # 南澳街道 → 大鹏新区
}


def moved_units() -> dict[str, str]:
    """{unit code: parent code} for every unit whose parent is not the one its code names."""
    return MOVED_UNITS


def in_subtree(code: str, prefix: str) -> bool:
    """Whether `code` lies at or below the unit whose scope prefix is `prefix` (by the tree, not the code alone)."""
    code = code or ""
    if not code.startswith(prefix):
        return any(code.startswith(unit) and parent.startswith(prefix) for unit, parent in MOVED_UNITS.items())
    if not prefix:
        return True
    return not any(
        code.startswith(unit) and unit != prefix and unit.startswith(prefix) and not parent.startswith(prefix)
        for unit, parent in MOVED_UNITS.items()
    )


def is_city(code: str) -> bool:
    return len(code) == DISTRICT_LEN and code.endswith("00")


def street_of(code: str) -> str:
    """The street of a community (a street's own code for a street)."""
    return code[:STREET_LEN]


def district_of(code: str) -> str:
    """The district of a community or street (a district's own code for a district; a functional area for its
    streets)."""
    street = code[:STREET_LEN]
    if len(code) >= STREET_LEN and street in MOVED_UNITS:
        return MOVED_UNITS[street]
    return code[:DISTRICT_LEN]


def city_of(code: str) -> str:
    return code[:4] + "00"


def same_district(a: str, b: str) -> bool:
    return district_of(a) == district_of(b)


def parent_code(code: str) -> str | None:
    """The level directly above: community → street → district → city; None above a district."""
    if len(code) == COMMUNITY_LEN:
        return street_of(code)
    if len(code) == STREET_LEN:
        return MOVED_UNITS.get(code, code[:DISTRICT_LEN])
    if len(code) == DISTRICT_LEN and not is_city(code):
        return city_of(code)
    return None


def ancestor_codes(code: str, *, to_city: bool = True) -> list[str]:
    """The codes above `code`, nearest first (community → street, district, city); without the city when
    `to_city` is false."""
    chain = []
    above = parent_code(code)
    while above is not None:
        if is_city(above) and not to_city:
            break
        chain.append(above)
        above = parent_code(above)
    return chain


def self_and_ancestors(code: str, *, to_city: bool = True) -> list[str]:
    """`code` and every code above it, nearest first."""
    return [code, *ancestor_codes(code, to_city=to_city)]


def scope_prefix(code: str, level: str) -> str:
    """The code prefix shared by a division and everything under it (a city's drops its trailing zeros)."""
    if level == "province":
        return code[:2]
    if level == "city":
        return code[:4]
    return code
