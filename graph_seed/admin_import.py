"""The bulk path for the city scale: CSV files for `neo4j-admin database import full` into the
project-managed local instance (stopped for the import, started again, then migrated).

The import replaces the whole database, so it runs only into an empty one; into a graph that
already holds the seed it does nothing (a second run adds nothing)."""

from __future__ import annotations

import asyncio
import csv
import shutil
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from graph_seed.cli_support import (
    count_nodes_and_cylinders,
    migrate_local,
    refresh_local,
    summary,
)
from graph_seed.generate import Generation
from graph_seed.progress import Progress
from graph_seed.rows import RelKey
from hub.config import Settings
from hub.graph.migrations import NATURAL_KEYS
from hub.graph.model import PROPERTIES, PROVENANCE
from hub.neo4j_local import LocalNeo4j

ARRAY_DELIMITER = ";"
CSV_TYPES = {"string": "", "int": ":long", "float": ":double", "bool": ":boolean",
             "date": ":date", "datetime": ":datetime", "strings": ":string[]"}  # fmt: skip


def node_header(label: str) -> tuple[list[str], list[str]]:
    """(property names in column order, CSV header cells)."""
    props = {**PROPERTIES[label], **PROVENANCE}
    key = NATURAL_KEYS[label]
    names = [key, *(p for p in props if p != key)]
    cells = [f"{key}:ID({label})"] + [p + CSV_TYPES[props[p]] for p in names[1:]]
    return names, cells


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return ARRAY_DELIMITER.join(value)
    return str(value)


class CsvWriter:
    """One file per label and per (start, type, end), kept open while the chunks stream by."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.nodes: dict[str, tuple[IO[str], Any, list[str]]] = {}
        self.rels: dict[RelKey, tuple[IO[str], Any]] = {}

    def write_nodes(self, label: str, rows: list[dict[str, Any]]) -> None:
        if label not in self.nodes:
            names, cells = node_header(label)
            f = (self.folder / f"nodes-{label}.csv").open("w", newline="", encoding="utf-8")
            w = csv.writer(f)
            w.writerow(cells)
            self.nodes[label] = (f, w, names)
        _, w, names = self.nodes[label]
        w.writerows([cell(row.get(n)) for n in names] for row in rows)

    def write_rels(self, key: RelKey, pairs: list[tuple[str, str]]) -> None:
        if key not in self.rels:
            start, rel_type, end = key
            name = f"rels-{start}-{rel_type}-{end}.csv"
            f = (self.folder / name).open("w", newline="", encoding="utf-8")
            w = csv.writer(f)
            w.writerow([f":START_ID({start})", f":END_ID({end})"])
            self.rels[key] = (f, w)
        self.rels[key][1].writerows(pairs)

    def close(self) -> list[str]:
        """Closes every file; returns the neo4j-admin arguments that name them."""
        args = []
        for label, (f, _, _) in self.nodes.items():
            f.close()
            args.append(f"--nodes={label}={f.name}")
        for (_, rel_type, _), (f, _) in self.rels.items():
            f.close()
            args.append(f"--relationships={rel_type}={f.name}")
        return args


def write_csv(gen: Generation, folder: Path, quiet: bool) -> list[str]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    writer = CsvWriter(folder)
    progress = Progress(f"seed {gen.ctx.scale.name} csv", 0, quiet=quiet)
    for _, _, chunk in gen.chunks():
        for label, rows in chunk.nodes.items():
            writer.write_nodes(label, rows)
        for key, pairs in chunk.rels.items():
            writer.write_rels(key, pairs)
        progress.advance(chunk.row_count())
        progress.total = progress.done
    progress.close()
    return writer.close()


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _warn(text: str) -> None:
    sys.stderr.write(text + "\n")


def import_city(
    settings: Settings, gen: Generation, manifest: Path, if_empty: bool, quiet: bool
) -> int:
    if settings.neo4j_uri:
        _warn("seed: the import loader needs the project-managed local Neo4j")
        return 2
    local = LocalNeo4j(settings.hub_neo4j_instance, settings.hub_state_dir)
    if local.instance == "test":
        _warn("seed: the shared test instance is never replaced by an import")
        return 2
    local.start()
    nodes, cylinders = asyncio.run(count_nodes_and_cylinders(settings))
    if cylinders:
        _say("seed: the graph already holds cylinders; nothing imported")
        return 0
    if nodes:
        _warn(f"seed: the import replaces the database, which holds {nodes:,} nodes; "
              "use an empty instance or --loader unwind")  # fmt: skip
        return 2
    started = time.monotonic()
    folder = settings.hub_state_dir / "seed" / "import" / f"{gen.ctx.scale.name}-{gen.ctx.seed}"
    files = write_csv(gen, folder, quiet)
    csv_s = time.monotonic() - started
    local.stop()
    result = local.admin(
        "database", "import", "full", "neo4j", "--overwrite-destination=true",
        f"--array-delimiter={ARRAY_DELIMITER}", "--high-parallel-io=on", *files,
    )  # fmt: skip
    if result.returncode != 0:
        _warn(result.stdout[-4000:])
        local.start()
        return 1
    import_s = time.monotonic() - started - csv_s
    local.start(timeout_s=600)
    asyncio.run(migrate_local(settings))
    rollup_s = asyncio.run(refresh_local(settings))  # the supervision figures' rollup
    total_s = time.monotonic() - started
    gen.manifest.write(manifest)
    _say(summary(gen, total_s, "neo4j-admin import"))
    start_s = total_s - csv_s - import_s - rollup_s
    _say(f"  csv {csv_s:.1f} s, import {import_s:.1f} s, start and constraints {start_s:.1f} s, "
          f"supervision rollup {rollup_s:.1f} s")  # fmt: skip
    _say(f"manifest: {manifest}")
    shutil.rmtree(folder, ignore_errors=True)
    return 0
