"""A batch's chain from the rows of one statement: how many shipments each enterprise is from
the producer, the subgraph a direction asks for (under a node cap), and the recall list.

UPSTREAM is where the batch came from (its producer and origin, its tests at market entry);
DOWNSTREAM is where it went (shipments hop by hop up to `maxHops`, and the coded sales at the
enterprises reached); BOTH is both. The batch and its producer anchor every direction.
"""

from __future__ import annotations

from typing import Any


class Chain:
    def __init__(self, raw: dict[str, Any], direction: str, max_hops: int, cap: int) -> None:
        self.raw = raw
        self.up = direction in ("UPSTREAM", "BOTH")
        self.down = direction in ("DOWNSTREAM", "BOTH")
        self.cap = cap
        self.hop = self._hops(max_hops)
        self.nodes: dict[str, Any] = {}
        self.edges: list[dict[str, str]] = []
        self.truncated = any(len(raw[k]) >= cap for k in ("shipments", "tests", "sales"))

    def _hops(self, max_hops: int) -> dict[str, int]:
        """Enterprise id -> shipments from the producer (0); without a readable producer, from
        the senders that received nothing."""
        shipments = self.raw["shipments"]
        producer = self.raw["producer"]
        receivers = {s["at"] for s in shipments}
        roots = {producer["id"]} if producer else {s["from_"] for s in shipments} - receivers
        hop = dict.fromkeys(roots, 0)
        for k in range(1, max_hops + 1):
            for s in shipments:
                if hop.get(s["from_"]) == k - 1 and s["at"] not in hop:
                    hop[s["at"]] = k
        return hop

    def _shipment_hop(self, s: dict[str, Any]) -> int | None:
        """A shipment's hop: one more than its sender's, if its sender was reached."""
        sender = self.hop.get(s["from_"])
        return None if sender is None or s["at"] not in self.hop else sender + 1

    def _add(self, node_id: str, node: Any) -> bool:
        if node_id in self.nodes:
            return True
        if len(self.nodes) >= self.cap:
            self.truncated = True
            return False
        self.nodes[node_id] = node if node is not None else {"id": node_id}
        return True

    def _link(self, start: str, rel: str, end: str) -> None:
        if start in self.nodes and end in self.nodes:
            self.edges.append({"from_": start, "to": end, "type": rel})

    def subgraph(self) -> dict[str, Any]:
        raw = self.raw
        product = raw["id"]
        self._add(product, raw["node"])
        producer = raw["producer"]
        if producer and self._add(producer["id"], producer["node"]):
            self._link(product, "PRODUCED_BY", producer["id"])
        if self.up:
            for t in raw["tests"]:
                self._event(t, "AT")
        if self.down:
            shipments = [s for s in raw["shipments"] if self._shipment_hop(s) is not None]
            for s in sorted(shipments, key=lambda s: (self._shipment_hop(s), s["time"] or "")):
                if self._add(s["from_"], s["fromNode"]) and self._event(s, "TO"):
                    self._link(s["id"], "FROM", s["from_"])
            for sale in raw["sales"]:
                if sale["at"] in self.hop:
                    self._event(sale, "AT")
        nodes = [
            {"__typename": n_id.partition(":")[0], **n} if "__typename" not in n else n
            for n_id, n in self.nodes.items()
        ]
        return {"nodes": nodes, "edges": self.edges, "truncated": self.truncated}

    def _event(self, row: dict[str, Any], rel: str) -> bool:
        """An event of the batch and the enterprise at its far end (`rel`): both, or neither."""
        if not self._add(row["at"], row["atNode"]):
            return False
        if not self._add(row["id"], row["node"]):
            return False
        self._link(row["id"], "OF", self.raw["id"])
        self._link(row["id"], rel, row["at"])
        return True

    def recall(self) -> list[dict[str, Any]]:
        """Every enterprise a shipment reached within the hops, with what it got and sold."""
        sold: dict[str, float] = {}
        for sale in self.raw["sales"]:
            sold[sale["at"]] = round(sold.get(sale["at"], 0.0) + float(sale["kg"] or 0.0), 3)
        entries: dict[str, dict[str, Any]] = {}
        for s in self.raw["shipments"]:
            hop = self._shipment_hop(s)
            if hop is None:
                continue
            e = entries.setdefault(
                s["at"],
                {
                    "enterprise": s["recipient"],
                    "quantityKg": 0.0,
                    "soldKg": sold.get(s["at"], 0.0),
                    "shipments": 0,
                    "firstReceived": s["time"],
                    "lastReceived": s["time"],
                    "hop": hop,
                },
            )
            e["quantityKg"] = round(e["quantityKg"] + float(s["kg"] or 0.0), 3)
            e["shipments"] += 1
            e["firstReceived"] = min(e["firstReceived"] or "", s["time"] or "") or None
            e["lastReceived"] = max(e["lastReceived"] or "", s["time"] or "") or None
            e["hop"] = min(e["hop"], hop)
        return sorted(entries.values(), key=lambda e: (e["hop"], e["firstReceived"] or ""))
