"""Identity and phone numbers in a reporter's text: found to warn them, masked for other readers.

An 18-character resident id (17 digits and a digit or X) and a mainland mobile number (11
digits from 1[3-9]) are recognised wherever they stand in the text, with or without spaces or
dashes inside a phone number. The masks are the catalog's: 350102********123X and 138****5678.
"""

from __future__ import annotations

import re

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})\d{8}(\d{3}[\dXx])(?![0-9A-Za-z])")
PHONE = re.compile(r"(?<!\d)(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")


def has_numbers(text: str) -> bool:
    return bool(ID_NUMBER.search(text) or PHONE.search(text))


def masked(text: str) -> str:
    text = ID_NUMBER.sub(lambda m: m.group(1) + "********" + m.group(2), text)
    return PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
