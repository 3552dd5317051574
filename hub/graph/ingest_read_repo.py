"""The one read a write batch makes, inside its write transaction: every record the batch names
(exists? visible to the writer? the state the closed-loop rules need), the nodes already stored
under the batch's keys, and the writer's own enterprise.

Visibility is the read policy's row rule for the writer, handed in by the caller
(`Reader.visible`, which the read policy's `visible` gives), so a record the writer may not
read behaves for a write exactly as for a read. Labels and properties come from the allow-lists;
every value is a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString, cast

from neo4j import AsyncManagedTransaction

from hub.graph.migrations import NATURAL_KEYS


@dataclass(frozen=True)
class Reader:
    """The writer as this read needs it: the rows of each label it sees (a predicate over `n`,
    with `$scopeEnterprise` / `$scopeDistrict`), and its bindings."""

    visible: dict[str, str]
    enterprise: str | None
    district: str | None
    subject: str  # the writer's client id: its own records and claims


# label -> the state the rules read, as a Cypher map over `n`.
_CLAIM = "MATCH (c:PersonClaim {claimedBy: $by, idNumber: n.idNumber})"

STATE: dict[str, str] = {
    "Enterprise": "{kind: n.kind}",
    "Cylinder": "{status: n.status, model: n.model, nextInspection: n.nextInspection, "
    "scrapDate: n.scrapDate, owner: [(n)-[:OWNED_BY]->(o:Enterprise) | o.uscc][0]}",
    # A station's claim on a person another client recorded registers its household too.
    "Household": "{status: n.status, "
    "registered: EXISTS { (n)-[:REGISTERED_TO]->(:Person|PersonClaim) }}",
    # What the writer itself asserted of a person another client recorded (its PersonClaim)
    # stands for the person in its own checks: a follow-up write then answers as it would for a
    # person the writer registered itself, and tells nothing of the canonical one.
    "Person": "CASE WHEN EXISTS { " + _CLAIM + " } THEN "
    "{qualifications: COLLECT { " + _CLAIM + " UNWIND coalesce(c.qualifications, []) AS q "
    "RETURN q }, employers: COLLECT { " + _CLAIM + "-[:EMPLOYED_BY]->(o:Enterprise) "
    "RETURN o.uscc }} "
    "ELSE {qualifications: coalesce(n.qualifications, []), "
    "employers: [(n)-[:EMPLOYED_BY]->(o:Enterprise) | o.uscc]} END",
    "Vehicle": "{kind: n.kind, permitExpiry: n.permitExpiry, "
    "operator: [(n)-[:OPERATED_BY]->(o:Enterprise) | o.uscc][0]}",
    "Product": "{failed: EXISTS { (:BatchTest {result: 'FAIL'})-[:OF]->(n) }}",
}


def _native(value: Any) -> Any:
    """Neo4j temporal values as Python's, through nested maps and lists."""
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_native(v) for v in value]
    to_native = getattr(value, "to_native", None)
    return to_native() if to_native else value


def visible_rule(reader: Reader, label: str) -> str:
    """The writer's row rule for `label` over `n`."""
    rule = reader.visible.get(label, "false")
    if label == "Person":  # the writer's own claim makes the person its own to name
        rule = "(" + rule + ") OR EXISTS { " + _CLAIM + " }"
    return rule


def state_statement(reader: Reader, labels: list[str], label: str) -> str:
    parts: list[str] = []
    for i, ref_label in enumerate(labels):
        if ref_label not in STATE:
            raise ValueError(f"no state for {ref_label}")
        parts.append(
            "CALL { UNWIND $r" + str(i) + " AS k "
            "OPTIONAL MATCH (n:" + ref_label + " {" + NATURAL_KEYS[ref_label] + ": k}) "
            "RETURN collect({label: '" + ref_label + "', key: k, exists: n IS NOT NULL, "
            "visible: CASE WHEN n IS NULL THEN false "
            "ELSE (" + visible_rule(reader, ref_label) + ") END, "
            "state: CASE WHEN n IS NULL THEN null ELSE " + STATE[ref_label] + " END}) "
            "AS r" + str(i) + " }"
        )  # fmt: skip
    if label not in NATURAL_KEYS:
        raise ValueError(f"no key for {label}")
    if label == "Person":
        # A writer's history with a person is its own: the person it recorded, or its claim
        # about someone another client recorded (hub.graph.ingest_write), never theirs.
        parts.append(
            "CALL { UNWIND $keys AS k OPTIONAL MATCH (o:Person {idNumber: k}) "
            "WHERE o.recordedBy = $by "
            "OPTIONAL MATCH (c:PersonClaim {claimedBy: $by, idNumber: k}) "
            "WITH k, coalesce(o, c) AS n WHERE n IS NOT NULL "
            "RETURN collect({key: k, hash: n.contentHash, status: n.status}) AS existing }"
        )
    else:
        parts.append(
            "CALL { UNWIND $keys AS k MATCH (n:" + label + " {" + NATURAL_KEYS[label] + ": k}) "
            "RETURN collect({key: k, hash: n.contentHash, status: n.status}) AS existing }"
        )
    parts.append(
        "CALL { OPTIONAL MATCH (m:Enterprise {uscc: $me}) "
        "RETURN CASE WHEN m IS NULL THEN null ELSE {kind: m.kind} END AS me }"
    )
    refs = " + ".join(["r" + str(i) for i in range(len(labels))]) or "[]"
    return " ".join(parts) + " RETURN " + refs + " AS refs, existing, me"


async def read_state(
    tx: AsyncManagedTransaction,
    reader: Reader,
    refs: dict[str, list[str]],
    label: str,
    keys: list[str],
) -> dict[str, Any]:
    """{refs: [{label, key, exists, visible, state}], existing: [{key, hash, status}], me}."""
    labels = sorted(refs)
    params: dict[str, Any] = {"r" + str(i): refs[lbl] for i, lbl in enumerate(labels)}
    params |= {"keys": keys, "me": reader.enterprise, "by": reader.subject}
    params |= {"scopeEnterprise": reader.enterprise, "scopeDistrict": reader.district}
    # Assembled from allow-listed labels, keys and the policy's predicates; values are params.
    query = cast(LiteralString, state_statement(reader, labels, label))  # type: ignore[redundant-cast]
    record = await (await tx.run(query, params)).single(strict=True)
    return {k: _native(v) for k, v in record.data().items()}
