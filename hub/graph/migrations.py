"""Schema migrations: a unique constraint on every natural key and the indexes lookups need.

Every statement is idempotent (`IF NOT EXISTS`), so `hub migrate` and start-up can run them any
number of times.
"""

from __future__ import annotations

from typing import LiteralString, cast

from neo4j import AsyncManagedTransaction

from hub.catalog import CATALOG
from hub.graph.driver import Graph

# label -> natural key, for every type of the catalog (stored-only ones too)
NATURAL_KEYS: dict[str, str] = {name: entry.key for name, entry in CATALOG.items()}


def _catalog_constraints() -> list[LiteralString]:
    """A unique constraint on each natural key, and on each property the catalog marks unique."""
    out: list[str] = []
    for entry in CATALOG.values():
        unique = [entry.key] + [p.name for p in entry.props if p.unique and p.name != entry.key]
        for prop in unique:
            name = entry.label.lower() + "_" + prop.lower() + "_unique"
            out.append(
                "CREATE CONSTRAINT " + name + " IF NOT EXISTS "
                "FOR (n:" + entry.label + ") REQUIRE n." + prop + " IS UNIQUE"
            )
    # Assembled from the catalog's names only (code, never input).
    return cast(list[LiteralString], out)  # type: ignore[redundant-cast]


def _catalog_indexes() -> list[LiteralString]:
    """An index on each property the catalog marks indexed."""
    out: list[str] = []
    for entry in CATALOG.values():
        for prop in [p.name for p in entry.props if p.index] + list(entry.indexes):
            name = entry.label.lower() + "_" + prop.lower()
            out.append(
                "CREATE INDEX " + name + " IF NOT EXISTS "
                "FOR (n:" + entry.label + ") ON (n." + prop + ")"
            )
    return cast(list[LiteralString], out)  # type: ignore[redundant-cast]


def search_index(label: str, prop: str) -> str:
    """The name of the full-text index behind the explorer's search on one property."""
    return "search_" + label.lower() + "_" + prop.lower()


# Lucene's standard tokenizer, lower-cased, no stop words: a code, plate or USCC is one token,
# each Chinese character one (hub/resolvers/search.py writes queries the same way).
SEARCH_ANALYZER = "standard-no-stop-words"


def _search_indexes() -> list[LiteralString]:
    """One full-text index per property the catalog puts in search (one per property, so that
    a search asks only the indexes of the fields its role sees in full)."""
    out: list[str] = []
    for entry in CATALOG.values():
        for prop in (p.name for p in entry.props if p.search):
            out.append(
                "CREATE FULLTEXT INDEX " + search_index(entry.label, prop) + " IF NOT EXISTS "
                "FOR (n:" + entry.label + ") ON EACH [n." + prop + "] "
                "OPTIONS {indexConfig: {`fulltext.analyzer`: '" + SEARCH_ANALYZER + "'}}"
            )
    return cast(list[LiteralString], out)  # type: ignore[redundant-cast]


# The hub's own labels, written out in full so that every statement is a literal and reads as
# it runs.
CONSTRAINTS: list[LiteralString] = [
    *_catalog_constraints(),
    # A writer's claim about a person another client recorded (hub.graph.ingest_write_repo): one
    # per writer and identity number. Not a graph type: only its writer reads it, as a Person
    # (hub/resolvers/compiler.py), by the random `pid` of its global id.
    "CREATE CONSTRAINT person_claim_unique IF NOT EXISTS "
    "FOR (n:PersonClaim) REQUIRE (n.claimedBy, n.idNumber) IS UNIQUE",
    "CREATE CONSTRAINT person_claim_pid_unique IF NOT EXISTS "
    "FOR (n:PersonClaim) REQUIRE n.pid IS UNIQUE",
    # A cylinder status change's event (hub.graph.ingest_write_repo): one per eventId; not a
    # graph type, so no read reaches it.
    "CREATE CONSTRAINT statuschange_eventid_unique IF NOT EXISTS "
    "FOR (n:StatusChange) REQUIRE n.eventId IS UNIQUE",
    # The OAuth registry (hub.oauth): clients, people, single-use codes, the jti deny list.
    "CREATE CONSTRAINT oauthclient_clientid_unique IF NOT EXISTS "
    "FOR (n:OAuthClient) REQUIRE n.clientId IS UNIQUE",
    "CREATE CONSTRAINT oauthclient_name_unique IF NOT EXISTS "
    "FOR (n:OAuthClient) REQUIRE n.name IS UNIQUE",
    "CREATE CONSTRAINT oauthuser_username_unique IF NOT EXISTS "
    "FOR (n:OAuthUser) REQUIRE n.username IS UNIQUE",
    "CREATE CONSTRAINT authcode_codehash_unique IF NOT EXISTS "
    "FOR (n:AuthCode) REQUIRE n.codeHash IS UNIQUE",
    "CREATE CONSTRAINT revokedtoken_jti_unique IF NOT EXISTS "
    "FOR (n:RevokedToken) REQUIRE n.jti IS UNIQUE",
    # The audit log (hub.audit): one entry per seq of a chain, one head per chain.
    "CREATE CONSTRAINT auditentry_chain_seq_unique IF NOT EXISTS "
    "FOR (n:AuditEntry) REQUIRE (n.chain, n.seq) IS UNIQUE",
    "CREATE CONSTRAINT audithead_chain_unique IF NOT EXISTS "
    "FOR (n:AuditHead) REQUIRE n.chain IS UNIQUE",
    # Leases (hub/graph/lease_repo.py): one per named job.
    "CREATE CONSTRAINT lease_name_unique IF NOT EXISTS FOR (n:Lease) REQUIRE n.name IS UNIQUE",
    # Webhooks (hub/graph/webhook_repo.py): endpoints and the outbox of deliveries.
    "CREATE CONSTRAINT webhookendpoint_id_unique IF NOT EXISTS "
    "FOR (n:WebhookEndpoint) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT webhookdelivery_id_unique IF NOT EXISTS "
    "FOR (n:WebhookDelivery) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT auditsignature_chain_seq_unique IF NOT EXISTS "
    "FOR (n:AuditSignature) REQUIRE (n.chain, n.seq) IS UNIQUE",
    # The supervision rollup (hub/graph/supervision_rollup_repo.py): one node names its current
    # generation of cells.
    "CREATE CONSTRAINT supervisionrollup_name_unique IF NOT EXISTS "
    "FOR (n:SupervisionRollup) REQUIRE n.name IS UNIQUE",
]

INDEXES: list[LiteralString] = [
    *_catalog_indexes(),
    *_search_indexes(),
    "CREATE INDEX authcode_expiresat IF NOT EXISTS FOR (n:AuthCode) ON (n.expiresAt)",
    "CREATE INDEX revokedtoken_expiresat IF NOT EXISTS FOR (n:RevokedToken) ON (n.expiresAt)",
    "CREATE INDEX auditentry_time IF NOT EXISTS FOR (n:AuditEntry) ON (n.time)",
    "CREATE INDEX auditentry_client IF NOT EXISTS FOR (n:AuditEntry) ON (n.client)",
    "CREATE INDEX webhookdelivery_status_nextat IF NOT EXISTS "
    "FOR (n:WebhookDelivery) ON (n.status, n.nextAt)",
    # The supervision rollup's fingerprint (hub/graph/supervision_rollup_repo.py): the latest
    # update of each label it counts, read from the end of each index.
    "CREATE INDEX cylinder_updatedat IF NOT EXISTS FOR (n:Cylinder) ON (n.updatedAt)",
    "CREATE INDEX household_updatedat IF NOT EXISTS FOR (n:Household) ON (n.updatedAt)",
    "CREATE INDEX enterprise_updatedat IF NOT EXISTS FOR (n:Enterprise) ON (n.updatedAt)",
    "CREATE INDEX delivery_updatedat IF NOT EXISTS FOR (n:Delivery) ON (n.updatedAt)",
    "CREATE INDEX filling_updatedat IF NOT EXISTS FOR (n:Filling) ON (n.updatedAt)",
    "CREATE INDEX batchtest_updatedat IF NOT EXISTS FOR (n:BatchTest) ON (n.updatedAt)",
    "CREATE INDEX product_updatedat IF NOT EXISTS FOR (n:Product) ON (n.updatedAt)",
    "CREATE INDEX shipment_updatedat IF NOT EXISTS FOR (n:Shipment) ON (n.updatedAt)",
    "CREATE INDEX sale_updatedat IF NOT EXISTS FOR (n:Sale) ON (n.updatedAt)",
    "CREATE INDEX supervisioncell_gen IF NOT EXISTS FOR (n:SupervisionCell) ON (n.gen)",
]


def statements() -> list[LiteralString]:
    return CONSTRAINTS + INDEXES


async def _apply(tx: AsyncManagedTransaction, statement: LiteralString) -> None:
    await (await tx.run(statement)).consume()


# Data migrations: idempotent, batched by the server (`IN TRANSACTIONS` needs an auto-commit
# transaction, so these run outside the managed helpers).
BACKFILLS: list[LiteralString] = [
    # Every person needs the surrogate behind its global id (graphs loaded before it existed).
    "MATCH (p:Person) WHERE p.pid IS NULL "
    "CALL { WITH p SET p.pid = randomUUID() } IN TRANSACTIONS OF 10000 ROWS",
]


async def migrate(graph: Graph) -> int:
    """Apply every migration; returns how many statements ran. Schema changes need one
    transaction each."""
    for statement in statements():
        await graph.write(_apply, statement)
    await graph.write(_await_indexes)
    async with graph.driver.session(database=graph.database) as session:
        for backfill in BACKFILLS:
            await (await session.run(backfill)).consume()
    return len(statements()) + len(BACKFILLS)


async def _await_indexes(tx: AsyncManagedTransaction) -> None:
    await (await tx.run("CALL db.awaitIndexes(300)")).consume()
