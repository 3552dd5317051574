"""The Cypher of the masks: how the compiler projects a field a role sees masked.

Which mask a field has, and who sees it in full, is the catalog's (hub/catalog/, `Masked`); the
read policy tells the compiler (hub/resolvers/compiler.py) when it applies. The mask is computed
inside the statement, so an unmasked value never reaches the hub's memory for a role that may
not see it.
"""

from __future__ import annotations

from hub.catalog import Mask

# `_v_` stands for the value's expression; `_n_` for its node (for masks that use other fields).
MASK_EXPRESSIONS: dict[Mask, str] = {
    Mask.ID_NUMBER: "left(_v_, 6) + '********' + right(_v_, 4)",
    Mask.NAME: "left(_v_, 1) + '*'",
    Mask.PHONE: "left(_v_, 3) + '****' + right(_v_, 4)",
    Mask.STREET_ONLY: "_n_.district + ' ' + _n_.street",
    # Made on arrival (hub/whistle/numbers.py): Cypher has no regular-expression replace.
    Mask.TEXT_NUMBERS: "coalesce(_n_.textMasked, '')",
}


def masked(mask: Mask, value: str, node: str) -> str:
    """The Cypher expression of `value` (a property of `node`) under `mask`; null stays null."""
    expr = MASK_EXPRESSIONS[mask].replace("_v_", value).replace("_n_", node)
    return "CASE WHEN " + value + " IS NULL THEN null ELSE " + expr + " END"
