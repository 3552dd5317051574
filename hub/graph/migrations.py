"""Schema migrations: a unique constraint on every natural key and the indexes lookups need.

Every statement is idempotent (`IF NOT EXISTS`), so `hub migrate` and start-up can run them any
number of times.
"""

from __future__ import annotations

from typing import LiteralString

from neo4j import AsyncManagedTransaction

from hub.graph.driver import Graph

# label -> natural key (DESIGN.md section 3)
NATURAL_KEYS: dict[str, str] = {
    "Enterprise": "uscc",
    "Cylinder": "code",
    "Household": "id",
    "Person": "idNumber",
    "Vehicle": "plate",
    "Product": "traceCode",
    "Filling": "eventId",
    "Delivery": "eventId",
    "Inspection": "eventId",
    "Shipment": "eventId",
    "BatchTest": "eventId",
    "Sale": "eventId",
    "Incident": "id",
    "Tip": "id",
    "Alert": "id",
}

# Written out in full so that every statement is a literal and reads as it runs.
CONSTRAINTS: list[LiteralString] = [
    "CREATE CONSTRAINT enterprise_uscc_unique IF NOT EXISTS "
    "FOR (n:Enterprise) REQUIRE n.uscc IS UNIQUE",
    "CREATE CONSTRAINT cylinder_code_unique IF NOT EXISTS "
    "FOR (n:Cylinder) REQUIRE n.code IS UNIQUE",
    "CREATE CONSTRAINT household_id_unique IF NOT EXISTS FOR (n:Household) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT person_idnumber_unique IF NOT EXISTS "
    "FOR (n:Person) REQUIRE n.idNumber IS UNIQUE",
    "CREATE CONSTRAINT person_pid_unique IF NOT EXISTS FOR (n:Person) REQUIRE n.pid IS UNIQUE",
    # A writer's claim about a person another client recorded (hub.graph.ingest_write): one per
    # writer and identity number; not a graph type, so no read reaches it.
    "CREATE CONSTRAINT person_claim_unique IF NOT EXISTS "
    "FOR (n:PersonClaim) REQUIRE (n.claimedBy, n.idNumber) IS UNIQUE",
    "CREATE CONSTRAINT vehicle_plate_unique IF NOT EXISTS "
    "FOR (n:Vehicle) REQUIRE n.plate IS UNIQUE",
    "CREATE CONSTRAINT product_tracecode_unique IF NOT EXISTS "
    "FOR (n:Product) REQUIRE n.traceCode IS UNIQUE",
    "CREATE CONSTRAINT filling_eventid_unique IF NOT EXISTS "
    "FOR (n:Filling) REQUIRE n.eventId IS UNIQUE",
    "CREATE CONSTRAINT delivery_eventid_unique IF NOT EXISTS "
    "FOR (n:Delivery) REQUIRE n.eventId IS UNIQUE",
    "CREATE CONSTRAINT inspection_eventid_unique IF NOT EXISTS "
    "FOR (n:Inspection) REQUIRE n.eventId IS UNIQUE",
    "CREATE CONSTRAINT shipment_eventid_unique IF NOT EXISTS "
    "FOR (n:Shipment) REQUIRE n.eventId IS UNIQUE",
    "CREATE CONSTRAINT batchtest_eventid_unique IF NOT EXISTS "
    "FOR (n:BatchTest) REQUIRE n.eventId IS UNIQUE",
    "CREATE CONSTRAINT sale_eventid_unique IF NOT EXISTS FOR (n:Sale) REQUIRE n.eventId IS UNIQUE",
    "CREATE CONSTRAINT incident_id_unique IF NOT EXISTS FOR (n:Incident) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT tip_id_unique IF NOT EXISTS FOR (n:Tip) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT alert_id_unique IF NOT EXISTS FOR (n:Alert) REQUIRE n.id IS UNIQUE",
    # The OAuth registry (hub.auth): clients, people, single-use codes, the jti deny list.
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
    "CREATE CONSTRAINT auditsignature_chain_seq_unique IF NOT EXISTS "
    "FOR (n:AuditSignature) REQUIRE (n.chain, n.seq) IS UNIQUE",
]

INDEXES: list[LiteralString] = [
    "CREATE INDEX enterprise_kind IF NOT EXISTS FOR (n:Enterprise) ON (n.kind)",
    "CREATE INDEX enterprise_district IF NOT EXISTS FOR (n:Enterprise) ON (n.district)",
    "CREATE INDEX enterprise_name IF NOT EXISTS FOR (n:Enterprise) ON (n.name)",
    "CREATE INDEX cylinder_status IF NOT EXISTS FOR (n:Cylinder) ON (n.status)",
    "CREATE INDEX cylinder_nextinspection IF NOT EXISTS FOR (n:Cylinder) ON (n.nextInspection)",
    "CREATE INDEX cylinder_model IF NOT EXISTS FOR (n:Cylinder) ON (n.model)",
    "CREATE INDEX household_district IF NOT EXISTS FOR (n:Household) ON (n.district)",
    "CREATE INDEX household_street IF NOT EXISTS FOR (n:Household) ON (n.street)",
    "CREATE INDEX vehicle_permitexpiry IF NOT EXISTS FOR (n:Vehicle) ON (n.permitExpiry)",
    "CREATE INDEX product_category IF NOT EXISTS FOR (n:Product) ON (n.category)",
    "CREATE INDEX product_origin IF NOT EXISTS FOR (n:Product) ON (n.origin)",
    "CREATE INDEX filling_time IF NOT EXISTS FOR (n:Filling) ON (n.time)",
    "CREATE INDEX delivery_time IF NOT EXISTS FOR (n:Delivery) ON (n.time)",
    "CREATE INDEX inspection_time IF NOT EXISTS FOR (n:Inspection) ON (n.time)",
    "CREATE INDEX shipment_time IF NOT EXISTS FOR (n:Shipment) ON (n.time)",
    "CREATE INDEX batchtest_time IF NOT EXISTS FOR (n:BatchTest) ON (n.time)",
    "CREATE INDEX sale_time IF NOT EXISTS FOR (n:Sale) ON (n.time)",
    "CREATE INDEX incident_time IF NOT EXISTS FOR (n:Incident) ON (n.time)",
    "CREATE INDEX tip_time IF NOT EXISTS FOR (n:Tip) ON (n.time)",
    "CREATE INDEX alert_time IF NOT EXISTS FOR (n:Alert) ON (n.time)",
    "CREATE INDEX authcode_expiresat IF NOT EXISTS FOR (n:AuthCode) ON (n.expiresAt)",
    "CREATE INDEX revokedtoken_expiresat IF NOT EXISTS FOR (n:RevokedToken) ON (n.expiresAt)",
    "CREATE INDEX auditentry_time IF NOT EXISTS FOR (n:AuditEntry) ON (n.time)",
    "CREATE INDEX auditentry_client IF NOT EXISTS FOR (n:AuditEntry) ON (n.client)",
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
