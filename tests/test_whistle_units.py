"""The whistleblower channel's pieces that need no server: claim codes, numbers, throttles, keys."""

from __future__ import annotations

import itertools

import pytest
from pydantic import ValidationError

from hub.config import Environment, Settings
from hub.whistle import claim_codes, numbers
from hub.whistle.claim_codes import ALPHABET, ClaimCodeTypo, new_claim_code, normalized
from hub.whistle.throttle import WindowCounter


def test_a_claim_code_has_95_random_bits_in_four_groups_and_checks_itself() -> None:
    code = new_claim_code()
    groups = code.split("-")
    assert [len(g) for g in groups] == [5, 5, 5, 5]
    assert normalized(code) == code.replace("-", "")
    assert claim_codes.RANDOM_SYMBOLS * 5 >= 80
    assert len({new_claim_code() for _ in range(200)}) == 200


def test_every_single_wrong_symbol_is_caught_before_any_lookup() -> None:
    symbols = normalized(new_claim_code())
    for i, other in itertools.product(range(len(symbols)), ALPHABET):
        if other == symbols[i]:
            continue
        with pytest.raises(ClaimCodeTypo):
            normalized(symbols[:i] + other + symbols[i + 1 :])


def test_typing_is_forgiving_of_case_separators_and_look_alikes() -> None:
    code = new_claim_code()
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalized(typed) == code.replace("-", "")


def test_the_hash_is_keyed() -> None:
    code = new_claim_code()
    assert claim_codes.claim_hash(b"a" * 32, code) != claim_codes.claim_hash(b"b" * 32, code)
    assert claim_codes.claim_hash(b"a" * 32, code.lower()) == claim_codes.claim_hash(
        b"a" * 32, code
    )


def test_identity_and_phone_numbers_are_found_and_masked() -> None:
    text = "老板身份证350102199001011234, 电话 138-1234-5678, 订单号 202612010001"
    assert numbers.has_numbers(text)
    masked = numbers.masked(text)
    assert "350102********1234" in masked
    assert "138****5678" in masked
    assert "202612010001" in masked  # an order number is neither
    assert not numbers.has_numbers("后厨有老鼠, 订单号 202612010001")


def test_a_window_forgets_every_address_it_counted() -> None:
    counter = WindowCounter(limit=2, window_s=60.0)
    counter.count("198.51.100.7", now=10.0)
    counter.count("198.51.100.7", now=11.0)
    assert counter.exceeded("198.51.100.7", now=12.0)
    assert not counter.exceeded("198.51.100.8", now=12.0)
    assert all("198.51.100" not in slot for slot in counter._counts)
    assert not counter.exceeded("198.51.100.7", now=61.0)  # a new window
    assert counter._counts == {}


def test_production_refuses_missing_short_or_placeholder_keys() -> None:
    good = "k" * 40
    base = {
        "hub_env": Environment.PRODUCTION,
        "hub_graphiql": False,
        "hub_dev_principal": False,
        "neo4j_password": "p",
        "hub_issuer": "https://hub.example.gov.cn",
        "hub_tip_claim_key": good,
        "hub_reward_payout_key": good,
    }
    Settings(**base)  # type: ignore[arg-type]
    for bad in (None, "short", "change-me-" + "k" * 30):
        with pytest.raises(ValidationError, match="HUB_TIP_CLAIM_KEY"):
            Settings(**{**base, "hub_tip_claim_key": bad})  # type: ignore[arg-type]
