"""The explorer's one table of field and value labels covers the API: every field of every node
type, and the enumerations the catalog declares, in Chinese and English."""

from __future__ import annotations

from hub.catalog.cylinders import CYLINDER_STATUSES
from hub.catalog.enterprises import ENTERPRISE_KINDS
from hub.catalog.food import PRODUCT_CATEGORIES
from hub.explorer.labels import FIELDS, VALUES, for_language
from hub.graph.mapping import TYPES


def test_every_field_of_every_type_has_a_label_in_both_languages() -> None:
    fields = {"id"} | {f for m in TYPES.values() for f in m.properties}
    assert fields <= set(FIELDS), sorted(fields - set(FIELDS))
    assert all(zh and en and zh != en for zh, en in FIELDS.values())


def test_the_catalogs_enumerations_have_words() -> None:
    for value in (*CYLINDER_STATUSES, *ENTERPRISE_KINDS, *PRODUCT_CATEGORIES):
        assert value in VALUES, value


def test_a_language_gets_its_own_words() -> None:
    assert for_language("zh")["fields"]["plate"] == "车牌号"
    assert for_language("en")["values"]["OVERDUE"] == "Overdue"
