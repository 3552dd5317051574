"""The linkage of a write batch: the refused items and the written incidents that fire a rule
(hub/linkage/rules.py), raised in the batch's own transaction (hub/graph/alert_repo.py)."""

from __future__ import annotations

from neo4j import AsyncManagedTransaction

from hub.access.principal import Principal
from hub.access.write_policy import Write
from hub.graph import alert_repo
from hub.ingest.fields import Moment
from hub.ingest.item import Item, Spec, State
from hub.linkage.firing import Firing, Refusal, from_refusals
from hub.webhooks import outbox


def _refusal(spec: Spec, state: State, principal: Principal, item: Item) -> Refusal:
    assert item.draft is not None
    named = {
        ref.field: (ref.label, ref.key)
        for ref in item.draft.refs
        if state.seen(ref.label, ref.key).exists
    }
    codes = [(e.field, e.code.value) for e in item.errors]
    summary = spec.write.value + " " + item.draft.key + ": " + ", ".join(c for _, c in codes)
    return Refusal(codes, named, principal.enterprise, summary)


def refusal_firings(
    spec: Spec, state: State, principal: Principal, moment: Moment, judged: list[Item]
) -> list[Firing]:
    refused = [i for i in judged if i.draft is not None and not i.ok]
    refusals = [_refusal(spec, state, principal, i) for i in refused]
    return from_refusals(spec.write, refusals, moment.now)


def incident_firings(spec: Spec, moment: Moment, written: list[Item]) -> list[Firing]:
    """An incident that involves a cylinder or a household: emergency, housing and market."""
    if spec.write is not Write.REPORT_INCIDENTS:
        return []
    out = []
    for item in written:
        draft = item.draft
        if draft is None or not (draft.links.get("Cylinder") or draft.links.get("Household")):
            continue
        about = {label: keys for label, keys in draft.links.items() if keys}
        summary = str(draft.props.get("kind")) + " " + str(draft.props.get("severity"))
        out.append(
            Firing(
                "INCIDENT",
                ("Incident", draft.key),
                moment.now,
                about,
                district=draft.props.get("district"),
                summary=summary,
                attach=True,
            )
        )
    return out


async def raise_for(
    tx: AsyncManagedTransaction, firings: list[Firing], principal: Principal, moment: Moment
) -> list[tuple[str, bool]]:
    rows = [f.row() for f in firings]
    raised = await alert_repo.raise_alerts(tx, rows, principal.subject, moment.now)
    await outbox.enqueue(tx, sorted({alert_id for alert_id, created in raised if created}))
    return raised
