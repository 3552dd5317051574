"""Every page says everything in both languages: the Chinese and English tables have one set of
keys, and no value is empty."""

from __future__ import annotations

import pytest

from hub.check.text import TEXT as CHECK
from hub.explorer.text import TEXT as EXPLORER
from hub.field.text import TEXT as FIELD
from hub.supervision.text import TEXT as SUPERVISION
from hub.tip.text import TEXT as TIP


@pytest.mark.parametrize(
    "table",
    [CHECK, FIELD, EXPLORER, TIP, SUPERVISION],
    ids=["check", "field", "explorer", "tip", "supervision"],
)
def test_a_page_has_the_same_words_in_chinese_and_english(table: dict[str, dict[str, str]]) -> None:
    assert set(table) == {"zh", "en"}
    assert set(table["zh"]) == set(table["en"])
    assert all(value.strip() for words in table.values() for value in words.values())
