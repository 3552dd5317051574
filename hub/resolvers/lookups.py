"""personByIdNumber: the explicit lookup of a person by the full identity number a role sees
masked, for the departments whose work needs one (the catalog's `Masked.lookup_for`; who may
call it is declared on the field, hub/access/root_access.py ID_LOOKUP).

In order, before anything is looked up: a purpose (a case number or reason) is stated, the
number is a valid resident identity number (GB 11643 check character), the selection compiles
for the role, and one lookup of the client's daily quota is spent (hub/lookup_quota.py). A bad
purpose or number spends nothing; a spent quota is `LIMIT_EXCEEDED` and looks nothing up.

The answer is the person as the role always reads it (masks and row scopes apply: a person out
of the client's scope answers exactly like a missing one, null), so a lookup tells whether the
number the caller typed names someone it may see, and nothing more. The purpose goes into the
request's audit entry whether the lookup found someone or not (the entry keeps only hashes of
the query and variables, never the number). The misses are counted, and the day's
ID_LOOKUP_ENUMERATION alert is raised once per client (hub/linkage/lookups.py).
"""

from __future__ import annotations

import logging
from typing import Any

from hub.context import Info
from hub.errors import BadUserInput, LimitExceeded
from hub.identifiers import check_resident_id
from hub.linkage import lookups as linkage
from hub.lookup_quota import LookupQuota, seconds_until_tomorrow
from hub.resolvers.document import document
from hub.resolvers.entities import run
from hub.resolvers.traversal import compiler_for
from hub.sharedstore import WindowStore
from hub.whistle.numbers import masked as mask_numbers

log = logging.getLogger("hub.lookups")

MAX_PURPOSE = 200


def stated_purpose(purpose: str) -> str:
    """The purpose as the entry keeps it: spaces folded, any identity or phone number in it
    masked (the entry must not hold a number in clear)."""
    stated = " ".join(purpose.split())
    if not stated or len(stated) > MAX_PURPOSE:
        raise BadUserInput(
            f"state a purpose (a case number or reason, at most {MAX_PURPOSE} characters)",
            field="purpose",
        )
    return mask_numbers(stated)


def valid_id_number(info: Info, value: str) -> str:
    number = value.strip().upper()
    problem = check_resident_id(number, info.context.graph.clock.today())
    if problem is not None:
        raise BadUserInput("idNumber: " + problem, field="idNumber")
    return number


def _note_purpose(info: Info, purpose: str) -> None:
    """One purpose per request: the audit entry holds one, and it must be each lookup's."""
    trail = info.context.audit
    if trail.lookup_purpose is not None and trail.lookup_purpose != purpose:
        raise BadUserInput(
            "the lookups of one request state one purpose (the audit entry records one); "
            "send lookups for other purposes in requests of their own",
            field="purpose",
        )
    trail.lookup_purpose = purpose
    trail.purpose = purpose  # a field's own purpose wins over the request's header
    info.context.request.state.purpose = purpose


def _quota(info: Info) -> LookupQuota:
    state = info.context.request.app.state
    store = getattr(state, "shared_store", None)
    if not isinstance(store, WindowStore):  # an app without one: count in this process
        store = WindowStore()
        state.shared_store = store
    s = info.context.settings
    return LookupQuota(store, s.hub_id_lookup_quota, s.hub_id_lookup_misses_alert)


async def _alarm(info: Info, quota: LookupQuota, summary: str) -> None:
    """Raises the day's ID_LOOKUP_ENUMERATION for the client, once per day. A failure to write
    it gives the claim back and does not fail the caller's lookup."""
    principal, clock = info.context.principal, info.context.graph.clock
    day = clock.today()
    if not info.context.settings.hub_linkage_enabled:
        return
    if not await quota.claim_alarm(principal.subject, day):
        return
    firing = linkage.enumeration(principal.subject, day, clock.now(), principal.district, summary)
    try:
        await linkage.raise_enumeration(info.context.graph, firing)
    except Exception:
        await quota.release_alarm(principal.subject, day)
        log.exception("could not raise %s", linkage.RULE)


def _spent(info: Info, quota: LookupQuota) -> LimitExceeded:
    wait = seconds_until_tomorrow(info.context.graph.clock.now())
    if info.context.response is not None:
        info.context.response.headers["Retry-After"] = str(wait)
    return LimitExceeded(
        f"this client's {quota.per_day} lookups by identity number for today are spent; "
        "the quota starts afresh at 00:00 Fuzhou time",
        field=info.field_name,
    )


async def person_by_id_number(info: Info, id_number: str, purpose: str) -> Any:
    _note_purpose(info, stated_purpose(purpose))  # audited from here on, whatever follows
    number = valid_id_number(info, id_number)
    c = compiler_for(info)
    c.require_type("Person", info.field_name)
    expression = c.one("Person", number, document(info).field_nodes)  # masks and row rules
    quota = _quota(info)
    client, day = info.context.principal.subject, info.context.graph.clock.today()
    if not await quota.spend(client, day):
        await _alarm(info, quota, f"client {client} asked past its {quota.per_day} lookups "
                     f"by identity number on {day.isoformat()}")  # fmt: skip
        raise _spent(info, quota)
    found = await run(info, c, expression)
    if found is None and await quota.miss(client, day):
        await _alarm(info, quota, f"client {client}: {quota.misses_alert} lookups by identity "
                     f"number found nobody on {day.isoformat()}")  # fmt: skip
    return found
