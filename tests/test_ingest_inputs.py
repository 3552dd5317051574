"""How a mutation's items reach hub.ingest: as graphql-core coerced them, and their text checked
for Unicode's control characters by one expression."""

from __future__ import annotations

import sys
import unicodedata

from strawberry.types.base import StrawberryList, get_object_definition

from hub.ingest.fields import CONTROL
from hub.schema.mutation_inputs import ITEMS, as_coerced
from hub.schema.mutations import Mutation


def test_every_mutation_takes_its_items_as_graphql_core_coerced_them() -> None:
    for field in get_object_definition(Mutation, strict=True).fields:
        [items] = [a for a in field.arguments if a.python_name == "items"]
        assert isinstance(items.type, StrawberryList), field.name
        item = items.type.of_type
        assert item in ITEMS, field.name
        assert get_object_definition(item, strict=True).from_input is as_coerced
    value = {"eventId": "E-1", "person": {"idNumber": "X"}}
    assert as_coerced(object, value, None) == value  # a mapping, not an instance


def test_control_characters_are_exactly_unicodes_category_cc() -> None:
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        assert bool(CONTROL.search(ch)) is (unicodedata.category(ch) == "Cc"), hex(code)
