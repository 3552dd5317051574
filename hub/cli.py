"""`hub serve | migrate | schema | policy show | neo4j ... | seed ...`: the command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from neo4j.exceptions import AuthError, ServiceUnavailable

from graph_seed.cli import register as register_seed
from hub.audit.cli import register as register_audit
from hub.check.cli import register_labels
from hub.config import PROJECT_ROOT, get_settings
from hub.graph.driver import graph_for, open_driver
from hub.graph.migrations import migrate
from hub.linkage.cli import register as register_linkage
from hub.neo4j_local import LocalNeo4j, Neo4jError
from hub.oauth.cli import register as register_auth
from hub.supervision.cli import register as register_supervision
from hub.webhooks.cli import register as register_webhooks
from hub.whistle.cli import register_notices

SCHEMA_FILE = PROJECT_ROOT / "schema.graphql"
POLICY_DOC = PROJECT_ROOT / "docs" / "access-policy.md"


def _local(args: argparse.Namespace) -> LocalNeo4j:
    settings = get_settings()
    return LocalNeo4j(args.instance or settings.hub_neo4j_instance, settings.hub_state_dir)


def cmd_neo4j(args: argparse.Namespace) -> int:
    local = _local(args)
    if args.action == "start":
        print(local.start(timeout_s=args.timeout))
    elif args.action == "stop":
        print(local.stop())
    elif args.action == "status":
        print(local.status())
    elif args.action == "fetch":
        local.fetch()
        print(local.status())
    elif args.action == "wipe":
        local.wipe()
        print(f"Neo4j ({local.instance}) data removed")
    elif args.action == "password":
        print(local.password() or "")
    return 0


def cmd_redis(args: argparse.Namespace) -> int:
    from hub.redis_local import LocalRedis, RedisError

    settings = get_settings()
    local = LocalRedis(args.instance or settings.hub_neo4j_instance, settings.hub_state_dir)
    try:
        if args.action == "start":
            print(local.start())
        elif args.action == "stop":
            print(local.stop())
        elif args.action == "status":
            print(local.status())
        elif args.action == "url":
            print(local.url)
    except RedisError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from hub import backup

    settings = get_settings()
    if settings.neo4j_uri:
        print("error: hub backup works on the local server; back a remote one up where it runs "
              "(README \"Backups\")", file=sys.stderr)  # fmt: skip
        return 1
    local = _local(args)
    if args.command == "backup":
        print(backup.backup(local, settings, Path(args.to).resolve()))
    else:
        print(backup.restore(local, settings, Path(args.dump).resolve()))
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    async def run() -> int:
        settings = get_settings()
        driver = open_driver(settings)
        try:
            return await migrate(graph_for(driver, settings))
        finally:
            await driver.close()

    print(f"migrations applied: {asyncio.run(run())} statements")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    host, port = args.host or settings.hub_host, args.port or settings.hub_port
    workers = args.workers or settings.hub_workers
    if workers > 1:
        _metrics_dir_for_workers(settings.hub_state_dir / "metrics" / str(port))
    print(
        f"hub serving on http://{host}:{port} with {workers} worker(s) "
        "(GraphQL at /graphql, health at /healthz and /readyz)"
    )
    # On SIGTERM uvicorn stops accepting, lets in-flight requests finish for up to the grace
    # period, then runs the app's shutdown (which flushes and signs the audit batch).
    uvicorn.run(
        "hub.app:app_factory", factory=True, host=host, port=port,
        log_config=None, access_log=False, workers=workers,
        proxy_headers=True, forwarded_allow_ips=settings.hub_trusted_proxies or "",
        timeout_graceful_shutdown=int(settings.hub_shutdown_grace_s),
        timeout_keep_alive=int(settings.hub_keepalive_s), server_header=False,
    )  # fmt: skip
    return 0


def _metrics_dir_for_workers(path: Path) -> None:
    """Prometheus multiprocess mode: the workers (started after this) write their samples to
    `path`, emptied first, and /metrics sums them."""
    from hub.metrics import MULTIPROC_ENV

    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    os.environ[MULTIPROC_ENV] = str(path)


def cmd_schema(args: argparse.Namespace) -> int:
    from hub.schema import sdl

    if args.check:
        committed = SCHEMA_FILE.read_text() if SCHEMA_FILE.exists() else ""
        if committed != sdl():
            print(f"{SCHEMA_FILE.name} is out of date: run `hub schema --write`", file=sys.stderr)
            return 1
        print(f"{SCHEMA_FILE.name} matches the code")
    elif args.write:
        SCHEMA_FILE.write_text(sdl())
        print(f"wrote {SCHEMA_FILE.name}")
    else:
        print(sdl(), end="")
    return 0


def cmd_policy(args: argparse.Namespace) -> int:
    from hub.access.policy_doc import render
    from hub.schema import schema
    from hub.schema.permissions import root_access

    text = render(root_access(schema))
    name = "docs/" + POLICY_DOC.name
    if args.check:
        committed = POLICY_DOC.read_text() if POLICY_DOC.exists() else ""
        if committed != text:
            print(f"{name} is out of date: run `hub policy show --write`", file=sys.stderr)
            return 1
        print(f"{name} matches the policy")
    elif args.write:
        POLICY_DOC.parent.mkdir(exist_ok=True)
        POLICY_DOC.write_text(text)
        print(f"wrote {name}")
    else:
        print(text, end="")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hub", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the hub over HTTP")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, help="worker processes (HUB_WORKERS, 1)")
    serve.set_defaults(func=cmd_serve)

    mig = sub.add_parser("migrate", help="apply constraints and indexes (idempotent)")
    mig.set_defaults(func=cmd_migrate)

    sch = sub.add_parser("schema", help="print the GraphQL SDL, or --write / --check the file")
    sch.add_argument("--write", action="store_true", help=f"write {SCHEMA_FILE.name}")
    sch.add_argument("--check", action="store_true", help="fail when the file is out of date")
    sch.set_defaults(func=cmd_schema)

    pol = sub.add_parser("policy", help="the access policy: role x type x field, scopes, grants")
    pol.add_argument("action", choices=["show"])
    pol.add_argument("--write", action="store_true", help="write docs/access-policy.md")
    pol.add_argument("--check", action="store_true", help="fail when that file is out of date")
    pol.set_defaults(func=cmd_policy)

    neo = sub.add_parser("neo4j", help="the project-managed local Neo4j server")
    neo.add_argument("action", choices=["start", "stop", "status", "fetch", "wipe", "password"])
    neo.add_argument("--instance", help="dev (make run), test (make test) or bench")
    neo.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for Bolt")
    neo.set_defaults(func=cmd_neo4j)

    bak = sub.add_parser("backup", help="dump the local Neo4j database (stops it meanwhile)")
    bak.add_argument("--to", required=True, help="the dump file to write")
    bak.add_argument("--instance", help="dev (make run), test or bench")
    bak.set_defaults(func=cmd_backup)
    res = sub.add_parser("restore", help="load a dump into the local Neo4j (replaces its data)")
    res.add_argument("dump", help="a file written by `hub backup`")
    res.add_argument("--instance", help="dev (make run), test or bench")
    res.set_defaults(func=cmd_backup)

    red = sub.add_parser("redis", help="the project-managed local Redis (shared limits)")
    red.add_argument("action", choices=["start", "stop", "status", "url"])
    red.add_argument("--instance", help="dev (make run) or test (make test); HUB_REDIS_PORT")
    red.set_defaults(func=cmd_redis)

    for register in EXTRA_COMMANDS:
        register(sub)
    return parser


# Other packages add their sub-commands here (seed, clients, users, audit).
EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction[argparse.ArgumentParser]], None]] = [
    register_seed,
    register_auth,
    register_audit,
    register_labels,
    register_linkage,
    register_supervision,
    register_webhooks,
    register_notices,
]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # The driver's retry warnings are noise on a terminal; the outcome is reported below.
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    try:
        code: int = args.func(args)
    except Neo4jError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except AuthError:
        print(
            "error: Neo4j refused the credentials; check NEO4J_URI, NEO4J_USER and "
            "NEO4J_PASSWORD (or HUB_NEO4J_INSTANCE and its ports)",
            file=sys.stderr,
        )
        return 1
    except ServiceUnavailable:
        print(
            "error: Neo4j is not reachable; `hub neo4j start` starts the local one, "
            "or set NEO4J_URI",
            file=sys.stderr,
        )
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
