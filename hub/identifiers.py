"""Identifier validation, in one home, for the seeder and ingestion (docs/domain.md).

Each `check_*` function returns None when the value is valid, or a short human reason when it is
not; nothing here raises on bad input. The `*_check_char` functions compute check characters, so
that the generator can make valid codes and tests can make invalid ones.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date

# --- Unified Social Credit Code (GB 32100-2015) ----------------------------------------------

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters, no I O S V Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$", re.ASCII)

# Real codes that fail their own checksum, each reviewed by a person before it is listed here.
# Callers pass further reviewed codes (an admin-extendable store) through `overrides`.
USCC_REVIEWED_OVERRIDES: frozenset[str] = frozenset()


def uscc_check_char(body: str) -> str:
    """The 18th character for the first 17 (which must use the USCC alphabet)."""
    if len(body) != 17:
        raise ValueError("a USCC body has 17 characters")
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def check_uscc(value: str, overrides: Collection[str] = ()) -> str | None:
    """A Unified Social Credit Code: 18 characters of the USCC alphabet and a right check
    character, unless the code is on a reviewed override list."""
    if len(value) != 18:
        return f"a Unified Social Credit Code has 18 characters, not {len(value)}"
    if not USCC_SHAPE.match(value):
        bad = [ch for ch in value if ch not in USCC_ALPHABET]
        if bad:
            return f"character {bad[0]!r} is not in the USCC alphabet (no I, O, S, V, Z)"
        return "characters 3-8 of a Unified Social Credit Code are a 6-digit region code"
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        if value in USCC_REVIEWED_OVERRIDES or value in overrides:
            return None
        return (
            f"check character is {value[17]!r} but the code's first 17 characters give {expected!r}"
        )
    return None


# --- Resident identity number (GB 11643-1999) ------------------------------------------------

RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"
RESIDENT_ID_SHAPE = re.compile(r"^\d{17}[\dX]$", re.ASCII)


def resident_id_check_char(body: str) -> str:
    """The 18th character for the first 17 digits."""
    if len(body) != 17 or not (body.isascii() and body.isdigit()):
        raise ValueError("a resident id body has 17 digits")
    total = sum(int(ch) * w for ch, w in zip(body, RESIDENT_ID_WEIGHTS, strict=True))
    return RESIDENT_ID_CHECK[total % 11]


def check_resident_id(value: str, today: date) -> str | None:
    """An 18-character resident identity number: real birth date not after `today`, right check
    character. Region codes are not checked against a current list (retired codes stay valid)."""
    if len(value) != 18:
        return f"a resident identity number has 18 characters, not {len(value)}"
    if not RESIDENT_ID_SHAPE.match(value):
        return "a resident identity number is 17 digits and a check character (a digit or X)"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return f"birth date {value[6:14]} is not a real date"
    if born > today:
        return f"birth date {born.isoformat()} is in the future"
    if born.year < 1880:
        return f"birth date {born.isoformat()} is too far in the past"
    expected = resident_id_check_char(value[:17])
    if value[17] != expected:
        return (
            f"check character is {value[17]!r} but the number's first 17 digits give {expected!r}"
        )
    return None


# --- Licence plates (GA 36-2018) and mobile numbers ------------------------------------------

PLATE_ORDINARY = re.compile(r"^闽[A-HJ-NP-Z][A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳]$", re.ASCII)
PLATE_NEW_ENERGY = re.compile(
    r"^闽[A-HJ-NP-Z](?:\d{5}[A-HJK]|[A-HJK][A-HJ-NP-Z0-9]\d{4})$", re.ASCII
)
MOBILE = re.compile(r"^1[3-9]\d{9}$", re.ASCII)

# Client-chosen keys (event ids, cylinder codes, trace codes, household and incident ids).
KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", re.ASCII)


def check_plate(value: str) -> str | None:
    """A Fujian (闽) licence plate: ordinary (7 characters) or new-energy (8 characters)."""
    if not value.startswith("闽"):
        return "a plate registered in Fujian starts with 闽"
    if len(value) == 7:
        ok = PLATE_ORDINARY.match(value)
        return None if ok else "not an ordinary plate (闽, a letter, 4 letters or digits, a suffix)"
    if len(value) == 8:
        if PLATE_NEW_ENERGY.match(value):
            return None
        return (
            "not a new-energy plate (闽, a letter, then 5 digits and one of A-H J K, "
            "or one of A-H J K, a letter or digit and 4 digits)"
        )
    return f"a plate has 7 characters (ordinary) or 8 (new-energy), not {len(value)}"


def check_mobile(value: str) -> str | None:
    """A mainland mobile number: 11 digits starting 13-19."""
    if MOBILE.match(value):
        return None
    if not (value.isascii() and value.isdigit()):
        return "a mobile number is digits only"
    if len(value) != 11:
        return f"a mobile number has 11 digits, not {len(value)}"
    return "a mobile number starts with 13 to 19"


# A landline with its area code (0591-83301234), a 400 number, or a short service line (12345).
SERVICE_PHONE = re.compile(r"^(0\d{2,3}-\d{7,8}|400-?\d{3}-?\d{4}|1\d{4}|9\d{4})$", re.ASCII)


def check_service_phone(value: str) -> str | None:
    """An enterprise's public service number: a mobile, a landline written with its area code
    and a hyphen (0591-83301234), a 400 number, or a five-digit service line."""
    if SERVICE_PHONE.match(value) or MOBILE.match(value):
        return None
    return "a service phone is a mobile, 0591-83301234, 400-xxx-xxxx or a five-digit line"


# --- Making valid codes (the generator, and tests) -------------------------------------------


def make_uscc(body: str) -> str:
    """A full code from its first 17 characters."""
    return body + uscc_check_char(body)


def make_resident_id(region: str, born: date, sequence: int) -> str:
    """A full number from a 6-digit region code, a birth date and a 3-digit sequence (odd for
    men, even for women)."""
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + resident_id_check_char(body)
