"""Identifier validation: the examples of docs/domain.md, and properties over generated codes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.identifiers import (
    USCC_ALPHABET,
    check_mobile,
    check_plate,
    check_resident_id,
    check_service_phone,
    check_uscc,
    make_resident_id,
    make_uscc,
)

TODAY = date(2026, 11, 1)


@pytest.mark.parametrize("code", ["91350102MA2YA1B33T", "91350104MA34K7Q50E"])
def test_known_valid_credit_codes_pass(code: str) -> None:
    assert check_uscc(code) is None


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350102MA2YA1B33U", "check character is 'U'"),
        ("91350102MA2YA1B33", "18 characters, not 17"),
        ("91350102MA2YA1B3IT", "'I' is not in the USCC alphabet"),
        ("9135010AMA2YA1B33T", "region code"),
    ],
)
def test_bad_credit_codes_are_refused_with_a_reason(code: str, reason: str) -> None:
    assert reason in (check_uscc(code) or "")


def test_a_reviewed_override_accepts_a_real_code_that_fails_its_checksum() -> None:
    bad = "91350102MA2YA1B33U"
    assert check_uscc(bad) is not None
    assert check_uscc(bad, overrides={bad}) is None
    # the override never excuses a malformed code
    assert check_uscc("91350102MA2YA1B3OU", overrides={"91350102MA2YA1B3OU"}) is not None


@pytest.mark.parametrize("number", ["11010519491231002X", "350102198506120312"])
def test_known_valid_resident_ids_pass(number: str) -> None:
    assert check_resident_id(number, TODAY) is None


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("350104199202300127", "not a real date"),  # right check digit, 30 February
        ("350102198506120313", "check character is '3'"),
        ("35010219850612031", "18 characters"),
        ("35010219850612031x", "a digit or X"),
        (make_resident_id("350102", date(2027, 1, 5), 11), "in the future"),
    ],
)
def test_bad_resident_ids_are_refused_with_a_reason(number: str, reason: str) -> None:
    assert reason in (check_resident_id(number, TODAY) or "")


def test_a_retired_region_code_stays_valid() -> None:
    changle_before_2017 = make_resident_id("350182", date(1980, 1, 1), 1)
    assert check_resident_id(changle_before_2017, TODAY) is None


@pytest.mark.parametrize("plate", ["闽A12345", "闽AB123C", "闽A1234挂", "闽AD12345", "闽A12345F"])
def test_fuzhou_plates_pass(plate: str) -> None:
    assert check_plate(plate) is None


@pytest.mark.parametrize(
    ("plate", "reason"),
    [
        ("京A12345", "starts with 闽"),
        ("闽AI2345", "ordinary plate"),  # no I or O on plates
        ("闽A1234", "7 characters"),
        ("闽AZ12345", "new-energy"),
    ],
)
def test_bad_plates_are_refused_with_a_reason(plate: str, reason: str) -> None:
    assert reason in (check_plate(plate) or "")


@pytest.mark.parametrize("phone", ["13800138000", "19912345678", "16612345678"])
def test_mobile_numbers_pass(phone: str) -> None:
    assert check_mobile(phone) is None


@pytest.mark.parametrize(
    ("phone", "reason"),
    [("12800138000", "13 to 19"), ("1380013800", "11 digits"), ("1380013800a", "digits only")],
)
def test_bad_mobile_numbers_are_refused_with_a_reason(phone: str, reason: str) -> None:
    assert reason in (check_mobile(phone) or "")


@pytest.mark.parametrize(
    ("phone", "ok"),
    [("0591-83301234", True), ("0591-8330123", True), ("400-123-4567", True), ("12345", True),
     ("13800138000", True), ("059183301234", False), ("0591-833", False), ("+86 591", False),
     ("林某 13800138000", False)],
)  # fmt: skip
def test_service_phones_are_a_landline_with_its_area_code_a_400_line_or_a_mobile(
    phone: str, ok: bool
) -> None:
    assert (check_service_phone(phone) is None) == ok


# --- properties --------------------------------------------------------------------------------

alphabet_char = st.sampled_from(USCC_ALPHABET)
uscc_bodies = st.builds(
    lambda head, region, org: head + region + org,
    st.text(alphabet_char, min_size=2, max_size=2),
    st.text(st.sampled_from("0123456789"), min_size=6, max_size=6),
    st.text(alphabet_char, min_size=9, max_size=9),
)
resident_ids = st.builds(
    make_resident_id,
    st.sampled_from(["350102", "350181", "350182", "110105"]),
    st.dates(date(1900, 1, 1), TODAY),
    st.integers(0, 999),
)


@given(uscc_bodies)
def test_every_generated_credit_code_validates(body: str) -> None:
    assert check_uscc(make_uscc(body)) is None


@given(uscc_bodies, st.integers(0, 17), alphabet_char)
def test_changing_one_character_of_a_credit_code_fails_it(body: str, pos: int, ch: str) -> None:
    code = make_uscc(body)
    if code[pos] == ch:
        ch = USCC_ALPHABET[(USCC_ALPHABET.index(ch) + 1) % len(USCC_ALPHABET)]
    assert check_uscc(code[:pos] + ch + code[pos + 1 :]) is not None


@given(resident_ids)
def test_every_generated_resident_id_validates(number: str) -> None:
    assert check_resident_id(number, TODAY) is None


@given(resident_ids, st.integers(0, 17), st.sampled_from("0123456789X"))
def test_changing_one_character_of_a_resident_id_fails_it(number: str, pos: int, ch: str) -> None:
    if number[pos] == ch:
        ch = "0123456789X"[("0123456789X".index(ch) + 1) % 11]
    assert check_resident_id(number[:pos] + ch + number[pos + 1 :], TODAY) is not None
