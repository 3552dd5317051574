"""A batch of fillings judged and written by one statement: the closed loop's checks folded into
the write, so a batch the rules accept whole costs one statement and no state read.

Per row, the statement decides what hub/ingest/judge.py and hub/ingest/rules.py would: the writer
is a registered enterprise of a kind the grant names; the cylinder exists, the writer may see it
(the read policy's row rule, not evaluated where owning implies it) and owns it; it is not
scrapped, past its scrap date, seized or overdue on the filling's day; a filler, if named, is a
person the writer may see and a certified filler employed by the station (the writer's own claim
standing for a person another client recorded, as in the batch's read,
hub/graph/ingest_read_repo.py). A row that passes is MERGEd as the create statement of
hub/graph/ingest_write_repo.py does (a key already stored is left untouched); a row that does not
is not written. The statement answers how many it wrote and the indexes of the rows it did not
create, which the caller judges again from the batch's read, made for those rows only (a replay,
a CONFLICT or a refusal, each with its message).

Times cross the driver as text (the row's time and day, the moment recorded: the driver packs a
Python datetime in pure Python); every value is a parameter; labels and row rules come from the
allow-lists and the read policy.
"""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any, LiteralString, cast

from neo4j import AsyncManagedTransaction

from hub.catalog.scopes import Bound, Reaches, Step
from hub.graph.ingest_read_repo import STATE, Reader, visible_rule
from hub.graph.ingest_write_repo import Link, link_clause
from hub.graph.row_scopes import visible

_FILLER = link_clause(Link("filler", "BY", "Person"))
# The row rule "owned by the writer": implied by the owner check, so not evaluated twice.
_OWNED = visible(
    (Reaches((Step(("OWNED_BY",), "out", ()),), Bound("Enterprise", "uscc", "enterprise")),), "n"
)


@cache
def fillings_statement(cylinder_visible: str, person_visible: str) -> LiteralString:
    """The statement for a writer whose row rules over `n` are those given."""
    query = (
        "OPTIONAL MATCH (m:Enterprise {uscc: $me}) "
        "WITH m, m IS NOT NULL AND ($kinds IS NULL OR m.kind IN $kinds) AS writer "
        "UNWIND $rows AS row "
        # The filler: none named, or one the writer sees, certified and employed by the station.
        "CALL { WITH row OPTIONAL MATCH (n:Person {idNumber: row.filler}) "
        "WITH row, n, CASE WHEN n IS NULL THEN null ELSE " + STATE["Person"] + " END AS s "
        "RETURN CASE WHEN row.filler IS NULL THEN true WHEN n IS NULL THEN false "
        "ELSE coalesce((" + person_visible + ") AND 'FILLER' IN s.qualifications "
        "AND $me IN s.employers, false) END AS fillerOk } "
        "OPTIONAL MATCH (n:Cylinder {code: row.cylinder}) "
        "WITH m, row, n, coalesce(writer AND fillerOk AND n IS NOT NULL "
        "AND [(n)-[:OWNED_BY]->(o:Enterprise) | o.uscc][0] = $me "
        "AND (" + cylinder_visible + ") "
        "AND NOT coalesce(n.status, '') IN ['SCRAPPED', 'SEIZED', 'OVERDUE'] "
        "AND (n.scrapDate IS NULL OR n.scrapDate > date(row.day)) "
        "AND n.nextInspection >= date(row.day), false) AS ok "
        "CALL { WITH m, row, n, ok WITH m, row, n WHERE ok "
        "MERGE (e:Filling {eventId: row.key}) "
        "ON CREATE SET e += row.props, e.time = datetime(row.props.time), "
        "e.contentHash = row.hash, e.recordedBy = $by, e.recordedAt = datetime($now), "
        "e.ingestPending = true "
        "WITH m, row, n, e, coalesce(e.ingestPending, false) AS created "
        "REMOVE e.ingestPending WITH m, row, n, e, created "
        "CALL { WITH m, n, e, created WITH m, n, e WHERE created "
        "CREATE (e)-[:OF]->(n) CREATE (e)-[:AT]->(m) } "
        "WITH e, row, created " + _FILLER + "RETURN created "
        "UNION WITH row, ok WITH row WHERE NOT ok RETURN false AS created } "
        "RETURN count(CASE WHEN created THEN 1 END) AS written, "
        "collect(CASE WHEN NOT created THEN row.i END) AS others"
    )  # fmt: skip
    return cast(LiteralString, query)  # type: ignore[redundant-cast]


async def record_fillings(
    tx: AsyncManagedTransaction,
    reader: Reader,
    rows: list[dict[str, Any]],
    kinds: list[str] | None,
    now: datetime,
) -> tuple[int, list[int]]:
    """Judge and write `rows` ({i, key, props, hash, cylinder, filler, links, day}) for the
    writer `reader`; (how many were written, the indexes `i` of the rows not created)."""
    cylinders = visible_rule(reader, "Cylinder")
    cylinders = "true" if cylinders == _OWNED else cylinders
    query = fillings_statement(cylinders, visible_rule(reader, "Person"))
    params = {
        "rows": rows,
        "me": reader.enterprise,
        "kinds": kinds,
        "by": reader.subject,
        "now": now.isoformat(),
        "scopeEnterprise": reader.enterprise,
        "scopeDistrict": reader.district,
    }
    record = await (await tx.run(query, params)).single(strict=True)
    return int(record["written"]), [int(i) for i in record["others"]]
