"""The outbox: in the transaction that raised alerts, one delivery per new alert and per active
endpoint whose client may read it (the read policy of the client's role, enterprise and
district, as for its API calls). The body is fixed then, so every retry sends the same bytes
under the same `webhook-id`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from neo4j import AsyncManagedTransaction

from hub.access import policy
from hub.access.principal import Principal, Role
from hub.graph import row_scopes, webhook_repo

EVENT = "alert.raised"


def body(alert: dict[str, object], sent: datetime) -> str:
    """The Standard Webhooks payload: type, timestamp, data (the alert, never what it is about:
    the partner reads that through the API with its own token, under its own policy)."""
    data = {"id": "Alert:" + str(alert["id"])} | {k: v for k, v in alert.items() if k != "id"}
    payload = {"type": EVENT, "timestamp": sent.isoformat(), "data": data}
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


async def enqueue(tx: AsyncManagedTransaction, alert_ids: list[str]) -> int:
    """Deliveries for the new alerts `alert_ids`; how many."""
    if not alert_ids:
        return 0
    endpoints = await webhook_repo.active_endpoints(tx)
    if not endpoints:
        return 0
    now = datetime.now(UTC)
    alerts = await webhook_repo.alert_payloads(tx, alert_ids)
    rows = [{"alert": str(a["id"]), "body": body(a, now)} for a in alerts]
    total = 0
    for endpoint in endpoints:
        try:
            role = Role(endpoint["role"])
        except ValueError:
            continue
        client = Principal(
            endpoint["client"], role, enterprise=endpoint["enterprise"],
            district=endpoint["district"],
        )  # fmt: skip
        scopes = policy.visible_scopes(client, "Alert")
        if scopes is None:  # a role that may not read alerts gets none
            continue
        visible = row_scopes.visible(scopes, "a")
        params = {"scopeEnterprise": client.enterprise, "scopeDistrict": client.district}
        total += await webhook_repo.enqueue(tx, visible, params, endpoint["id"], rows, now)
    return total
