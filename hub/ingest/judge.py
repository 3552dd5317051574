"""Judging a batch's items: the write policy before the graph is read, then, against the one
read, idempotency, references and the closed-loop rules."""

from __future__ import annotations

from typing import Any

from hub.access.principal import Principal, Role
from hub.access.write_policy import OWNED_REFERENCES, Grant, Write
from hub.ingest.codes import Code
from hub.ingest.fields import Moment
from hub.ingest.item import Existing, Item, Seen, Spec, State


def forbid(item: Item, message: str) -> None:
    item.errors = [e for e in item.errors if e.code is Code.FORBIDDEN]
    item.fail(None, Code.FORBIDDEN, message)


def check_policy(spec: Spec, grant: Grant | None, principal: Principal, item: Item) -> None:
    """Role x mutation, and an enterprise writes only about itself."""
    if grant is None:
        forbid(item, f"the {principal.role.value} role may not {spec.write.value}")
        return
    if principal.role is Role.ENTERPRISE and not principal.enterprise:
        forbid(item, "the token is bound to no enterprise")
        return
    draft = item.draft
    if grant.self_field and draft is not None:
        value = draft.key if grant.self_field == spec.key_field else draft.links[grant.self_field]
        if value not in (principal.enterprise, [principal.enterprise]):
            forbid(item, f"an enterprise writes only about itself ({grant.self_field})")


def state_from(read: dict[str, Any]) -> State:
    refs = {
        (r["label"], r["key"]): Seen(r["exists"], r["visible"], r["state"] or {})
        for r in read["refs"]
    }
    existing = {e["key"]: Existing(e["hash"], e["status"]) for e in read["existing"]}
    return State(refs, existing, read["me"])


def check_writer(spec: Spec, grant: Grant, principal: Principal, state: State, item: Item) -> None:
    """An enterprise must be registered (but to register itself), and of a kind the grant
    names."""
    if principal.role is not Role.ENTERPRISE or spec.write is Write.REGISTER_ENTERPRISES:
        return
    if state.me is None:
        forbid(item, f"the enterprise {principal.enterprise} is not registered")
    elif grant.kinds is not None and state.me.get("kind") not in grant.kinds:
        forbid(item, f"a {state.me.get('kind')} may not {spec.write.value}")


def check_existing(spec: Spec, state: State, item: Item) -> None:
    """The item's key already stored: a replay (same content) or a CONFLICT."""
    assert item.draft is not None
    found = state.existing.get(item.draft.key)
    if found is None:
        return
    if spec.label == "Cylinder" and found.status == "SCRAPPED":
        item.fail(spec.key_field, Code.CODE_SCRAPPED, "a scrapped cylinder's code is never reused")
    elif found.hash == item.hash:
        item.replayed = True
    else:
        item.fail(
            spec.key_field, Code.CONFLICT, f"{item.draft.key} was recorded with other content"
        )


def check_references(spec: Spec, grant: Grant, state: State, item: Item) -> None:
    """Each named record exists and the writer may see it; an invisible one is reported exactly
    like an absent one, but for the cylinders whose owner the closed loop names."""
    assert item.draft is not None
    for ref in item.draft.refs:
        seen = state.seen(ref.label, ref.key)
        absent = f"no {ref.label} {ref.key} is registered"
        if not seen.exists:
            item.fail(ref.field, spec.unregistered.get(ref.field, Code.NOT_FOUND), absent)
        elif not seen.visible and ref.field not in grant.counterparties:
            if (spec.write, ref.field) in OWNED_REFERENCES:
                item.fail(ref.field, Code.NOT_OWNER, "the cylinder belongs to another enterprise")
            else:
                item.fail(ref.field, spec.unregistered.get(ref.field, Code.NOT_FOUND), absent)


def judge(
    spec: Spec, grant: Grant, principal: Principal, moment: Moment, state: State, item: Item
) -> None:
    check_writer(spec, grant, principal, state, item)
    if not item.ok:
        return
    if not spec.updates:
        check_existing(spec, state, item)
        if item.replayed or not item.ok:
            return
    check_references(spec, grant, state, item)
    if item.ok and spec.rules is not None:
        spec.rules(item, state, principal, moment)
