"""Building blocks of the row scopes: predicates over the row `_n_` that the entries combine.

`$scopeEnterprise` is the uscc an enterprise client is bound to, `$scopeDistrict` the district
code a district-bound client is limited to (hub/access/principal.py).
"""

from __future__ import annotations

MINE = "(:Enterprise {uscc: $scopeEnterprise})"
IN_DISTRICT_E = "(:Enterprise {district: $scopeDistrict})"
IN_DISTRICT_H = "(:Household {district: $scopeDistrict})"


def exists(pattern: str) -> str:
    return "EXISTS { (_n_)" + pattern + " }"


def any_of(*predicates: str) -> str:
    return " OR ".join(predicates)
