"""`hub backup` and `hub restore`: the local Neo4j's database as a `neo4j-admin database dump`
file, and back.

Neo4j Community dumps and loads an offline database only, so both stop the local server for the
time it takes and start it again if it was running. Beside the dump, the backup writes the audit
chain's last signed head (`<dump>.head.json`): keep it apart from the dump, and after a restore
`hub audit verify --anchor SEQ:HASH` proves the restored chain is the one that was signed.

A remote server (another host, Enterprise, Aura) is backed up where it runs (README "Backups").
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hub.audit.verify import verify_chain
from hub.config import Settings
from hub.graph.driver import graph_for, open_driver
from hub.neo4j_local import LocalNeo4j, Neo4jError

DUMP_NAME = "neo4j.dump"  # what neo4j-admin writes for the database `neo4j`


def head_file(dump: Path) -> Path:
    return dump.with_name(dump.name + ".head.json")


async def _signed_head(settings: Settings) -> dict[str, Any] | None:
    driver = open_driver(settings)
    try:
        report = await verify_chain(graph_for(driver, settings), settings, settings.hub_audit_chain)
    finally:
        await driver.close()
    return report.last_signed


def backup(local: LocalNeo4j, settings: Settings, to: Path) -> str:
    """Dump the database to `to` (and its signed audit head beside it)."""
    was_running = local.pid() is not None
    head = asyncio.run(_signed_head(settings)) if was_running else None
    if was_running:
        local.stop()
    try:
        with tempfile.TemporaryDirectory(dir=to.parent) as tmp:
            result = local.admin(
                "database", "dump", settings.neo4j_database,
                f"--to-path={tmp}", "--overwrite-destination=true",
            )  # fmt: skip
            dumped = Path(tmp) / f"{settings.neo4j_database}.dump"
            if result.returncode != 0 or not dumped.exists():
                raise Neo4jError(f"neo4j-admin database dump failed:\n{result.stdout}")
            shutil.move(dumped, to)
    finally:
        if was_running:
            local.start()
    if head is not None:
        head_file(to).write_text(json.dumps(head, indent=2) + "\n")
    kept = f"; signed audit head seq {head['seq']} in {head_file(to)}" if head else ""
    return f"backed up {settings.neo4j_database} to {to} ({to.stat().st_size} bytes){kept}"


def restore(local: LocalNeo4j, settings: Settings, dump: Path) -> str:
    """Replace the database with the dump in `dump` (a new instance is configured first)."""
    if not dump.is_file():
        raise Neo4jError(f"no dump at {dump}")
    was_running = local.pid() is not None
    if was_running:
        local.stop()
    local.prepare()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(dump, Path(tmp) / f"{settings.neo4j_database}.dump")
        result = local.admin(
            "database", "load", settings.neo4j_database,
            f"--from-path={tmp}", "--overwrite-destination=true",
        )  # fmt: skip
    if result.returncode != 0:
        raise Neo4jError(f"neo4j-admin database load failed:\n{result.stdout}")
    local.start()
    anchor = ""
    if head_file(dump).exists():
        head = json.loads(head_file(dump).read_text())
        anchor = f"; check it with `hub audit verify --anchor {head['seq']}:{head['hash']}`"
    return f"restored {settings.neo4j_database} from {dump}{anchor}"
