"""The UNWIND loader: batched MERGE in managed transactions, nodes before relationships, after
the migrations (so that every MERGE finds its unique constraint). Running it twice adds nothing,
and changes nothing the hub has changed since: a node keeps the properties the hub gave it, and
a node the hub has updated (`updatedBy`) keeps its relationships as the hub left them (a cylinder
the scan scrapped stands nowhere, a delivered one stands where it was delivered)."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph_seed.generate import Generation
from graph_seed.progress import Progress
from graph_seed.rows import Chunk, Row, rel_allowed
from hub.graph.driver import Graph
from hub.graph.migrations import NATURAL_KEYS, migrate
from hub.graph.model import LABELS, PROPERTIES, PROVENANCE
from hub.supervision.rollup import refresh

# Labels and types are spliced into the text only after an allow-list assertion; every value is a
# $parameter.
BATCH_ROWS = 10_000
SEED_TX_TIMEOUT_S = 600.0


def temporal_props(label: str) -> list[tuple[str, str]]:
    """(property, "date" | "datetime") of a label, provenance included."""
    props = {**PROPERTIES[label], **PROVENANCE}
    return [(name, kind) for name, kind in props.items() if kind in ("date", "datetime")]


def merge_nodes(label: str) -> LiteralString:
    """MERGE on the natural key, every property on creation only (labels only from the model).
    Dates and times travel as ISO strings and become Date / DateTime in Cypher: sending the driver's
    temporal values costs about five times as much."""
    assert label in LABELS, label
    key = NATURAL_KEYS[label]
    temporal = ", ".join(p + ": " + kind + "(row." + p + ")" for p, kind in temporal_props(label))
    text = (
        "UNWIND $rows AS row MERGE (n:" + label + " {" + key + ": row." + key + "}) "
        "ON CREATE SET n += row {.*, " + temporal + "}"
    )
    return text


def wire_rows(label: str, rows: list[Row]) -> list[Row]:
    """The rows with their dates and times as ISO 8601 strings (see merge_nodes)."""
    names = [p for p, _ in temporal_props(label)]
    out = []
    for row in rows:
        wired = dict(row)
        for name in names:
            value = wired.get(name)
            if value is not None:
                wired[name] = value.isoformat()
        out.append(wired)
    return out


def merge_rels(start: str, rel_type: str, end: str) -> LiteralString:
    """MATCH both ends by natural key ([startKey, endKey] rows), MERGE the relationship unless
    the hub has updated its start node since (then the relationships are the hub's)."""
    assert rel_allowed(start, rel_type, end), (start, rel_type, end)
    text = (
        "UNWIND $rows AS row "
        "MATCH (a:" + start + " {" + NATURAL_KEYS[start] + ": row[0]}) WHERE a.updatedBy IS NULL "
        "MATCH (b:" + end + " {" + NATURAL_KEYS[end] + ": row[1]}) "
        "MERGE (a)-[:" + rel_type + "]->(b)"
    )
    return text


async def _write_rows(tx: AsyncManagedTransaction, statement: LiteralString, rows: Any) -> None:
    await (await tx.run(statement, rows=rows)).consume()


@dataclass
class LoadStats:
    rows: int = 0
    seconds: float = 0.0

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def _batches(rows: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(rows), BATCH_ROWS):
        yield rows[i : i + BATCH_ROWS]


async def load_chunk(graph: Graph, chunk: Chunk, progress: Progress) -> None:
    for label, node_rows in chunk.nodes.items():
        statement = merge_nodes(label)
        for batch in _batches(node_rows):
            await graph.write(_write_rows, statement, wire_rows(label, batch))
            progress.advance(len(batch))
    for (start, rel_type, end), pairs in chunk.rels.items():
        statement = merge_rels(start, rel_type, end)
        for rel_batch in _batches(pairs):
            await graph.write(_write_rows, statement, rel_batch)
            progress.advance(len(rel_batch))


def produce_in_thread(gen: Generation) -> queue.Queue[Any]:
    """Generates in a thread (two chunks ahead) while the event loop waits on the database."""
    chunks: queue.Queue[Any] = queue.Queue(maxsize=2)

    def run() -> None:
        try:
            for item in gen.chunks():
                chunks.put(item)
            chunks.put(None)
        except BaseException as exc:  # handed to the consumer, which raises it
            chunks.put(exc)

    threading.Thread(target=run, name="graph_seed-generate", daemon=True).start()
    return chunks


async def load(graph: Graph, gen: Generation, quiet: bool = False) -> LoadStats:
    graph = graph.with_timeout(SEED_TX_TIMEOUT_S)
    await migrate(graph)  # index builds over a large graph outlast the API's timeout
    chunks = produce_in_thread(gen)
    stats = LoadStats()
    progress: Progress | None = None
    part_done_rows, part_chunks_seen = 0, 0
    while (item := await asyncio.to_thread(chunks.get)) is not None:
        if isinstance(item, BaseException):
            raise item
        part, count, chunk = item
        rows = chunk.row_count()
        if progress is None or progress.phase != _phase(gen, part):
            if progress is not None:
                progress.close()
                stats.rows += progress.done
                stats.seconds += progress.seconds
            progress = Progress(_phase(gen, part), rows * count, quiet=quiet)
            part_done_rows, part_chunks_seen = 0, 0
        part_done_rows += rows
        part_chunks_seen += 1
        progress.total = part_done_rows + rows * (count - part_chunks_seen)
        await load_chunk(graph, chunk, progress)
    if progress is not None:
        progress.close()
        stats.rows += progress.done
        stats.seconds += progress.seconds
    # The supervision figures' rollup over what was loaded, forced: a graph seeded again at
    # another as-of date has the same counts and no `updatedAt`, so the fingerprint would match.
    await refresh(graph, force=True)
    return stats


def _phase(gen: Generation, part: str) -> str:
    return f"seed {gen.ctx.scale.name} {part}"


__all__ = ["LoadStats", "Row", "load", "merge_nodes", "merge_rels"]
