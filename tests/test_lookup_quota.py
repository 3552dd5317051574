"""The lookup quota's arithmetic, with no server: a day's count, the misses' threshold, the
alarm once a day, and when a quota starts afresh (midnight in Fuzhou)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hub.access import policy
from hub.access.principal import Role
from hub.lookup_quota import LookupQuota, seconds_until_tomorrow
from hub.sharedstore import WindowStore

DAY = date(2026, 12, 1)


def _quota(per_day: int = 3, misses_alert: int = 3) -> LookupQuota:
    return LookupQuota(WindowStore(namespace="t"), per_day, misses_alert)


async def test_a_client_spends_its_lookups_of_the_day_and_no_more() -> None:
    quota = _quota(per_day=3)
    assert [await quota.spend("a", DAY) for _ in range(4)] == [True, True, True, False]
    assert await quota.spend("b", DAY)  # another client has its own
    assert await quota.spend("a", date(2026, 12, 2))  # the next day starts afresh


async def test_no_quota_means_no_lookup() -> None:
    assert not await _quota(per_day=0).spend("a", DAY)


async def test_the_misses_sound_the_alarm_at_the_threshold_and_the_alarm_is_claimed_once() -> None:
    quota = _quota(misses_alert=3)
    assert [await quota.miss("a", DAY) for _ in range(4)] == [False, False, True, True]
    assert [await quota.claim_alarm("a", DAY) for _ in range(2)] == [True, False]
    await quota.release_alarm("a", DAY)  # its alert could not be written: the next one tries
    assert await quota.claim_alarm("a", DAY)
    assert await quota.claim_alarm("a", date(2026, 12, 2))


def test_a_quota_starts_afresh_at_midnight_in_fuzhou() -> None:
    # 15:30 UTC is 23:30 in Fuzhou: half an hour to go, though the UTC day has 8.5 hours left.
    assert seconds_until_tomorrow(datetime(2026, 12, 1, 15, 30, tzinfo=UTC)) == 1800
    assert seconds_until_tomorrow(datetime(2026, 12, 1, 16, 0, tzinfo=UTC)) == 86_400


def test_the_lookup_is_granted_to_the_departments_that_see_the_number_masked_and_need_it() -> None:
    assert policy.lookup_roles("Person", "idNumber") == {Role.HOUSING, Role.EMERGENCY, Role.MARKET}
    assert policy.lookup_roles("Person", "name") == frozenset()
    assert not policy.sees_in_full(Role.HOUSING, "Person", "idNumber")  # the mask still holds
