# ruff: noqa: T201  (a command line prints)
"""`hub clients ...`, `hub users ...`, `hub keys ...` and `hub demo ...`: the registry by hand."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Any, TypeVar

from hub.config import get_settings
from hub.graph.driver import Graph, graph_for, open_driver
from hub.graph.migrations import migrate
from hub.oauth import admin, demo, keys, registry
from hub.oauth.models import OAuthClient, OAuthUser

T = TypeVar("T")


def _run(work: Callable[[Graph], Awaitable[T]]) -> T:
    async def run() -> T:
        settings = get_settings()
        driver = open_driver(settings)
        try:
            graph = graph_for(driver, settings)
            await migrate(graph)  # the registry's constraints exist before anything is written
            return await work(graph)
        finally:
            await driver.close()

    return asyncio.run(run())


def _guarded(func: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    def wrapper(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except (admin.RegistryError, keys.KeyConfigError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    return wrapper


def _client_row(c: OAuthClient) -> dict[str, Any]:
    row = asdict(c)
    row.pop("secret_hash")
    row["role"] = c.role.value
    return row


def _user_row(u: OAuthUser) -> dict[str, Any]:
    row = asdict(u)
    row.pop("password_hash")
    row["role"] = u.role.value
    return row


# hub clients ---------------------------------------------------------------------------------
@_guarded
def cmd_clients(args: argparse.Namespace) -> int:
    if args.action == "add":
        new = _run(
            lambda g: admin.add_client(
                g,
                args.name,
                args.role,
                args.scopes,
                args.enterprise,
                args.district,
                tuple(args.redirect_uri or ()),
            )
        )
        out = {"client_id": new.client.client_id, "client_secret": new.secret}
        if args.json:
            print(json.dumps({**out, "name": args.name, "role": new.client.role.value}))
        else:
            print(f"client id:     {new.client.client_id}")
            if new.secret:
                print(f"client secret: {new.secret}")
                print("The secret is shown once: store it now (only its hash is kept).")
            else:
                print("A sign-in client: people sign in through it with PKCE; it has no secret.")
    elif args.action == "list":
        clients = _run(lambda g: g.read(registry.list_clients))
        if args.json:
            print(json.dumps([_client_row(c) for c in clients], ensure_ascii=False))
        for c in [] if args.json else clients:
            state = "enabled" if c.enabled else "DISABLED"
            bound = c.enterprise or c.district or "-"
            print(f"{c.client_id:<30} {c.name:<32} {c.role.value:<11} {state:<9} {bound:<19} "
                  f"{' '.join(c.scopes)}")  # fmt: skip
    elif args.action in ("disable", "enable"):
        _run(lambda g: admin.set_client_enabled(g, args.client_id, args.action == "enable"))
        print(f"client {args.client_id} {args.action}d")
    elif args.action == "rotate-secret":
        secret = _run(lambda g: admin.rotate_secret(g, args.client_id))
        if args.json:
            print(json.dumps({"client_id": args.client_id, "client_secret": secret}))
        else:
            print(f"client secret: {secret}\nThe old secret no longer works.")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise admin.RegistryError("the passwords differ")
    return first


# hub users -----------------------------------------------------------------------------------
@_guarded
def cmd_users(args: argparse.Namespace) -> int:
    if args.action == "add":
        password = _read_password(args)
        user = _run(
            lambda g: admin.add_user(
                g, args.username, args.role, args.scopes, password, args.enterprise, args.district
            )
        )
        if args.json:
            print(json.dumps(_user_row(user), ensure_ascii=False))
        else:
            print(f"user {user.username} ({user.role.value}: {' '.join(user.scopes)}) added")
    elif args.action == "list":
        users = _run(lambda g: g.read(registry.list_users))
        if args.json:
            print(json.dumps([_user_row(u) for u in users], ensure_ascii=False))
        for u in [] if args.json else users:
            state = "enabled" if u.enabled else "DISABLED"
            print(f"{u.username:<32} {u.role.value:<11} {state:<9} {' '.join(u.scopes)}")
    elif args.action in ("disable", "enable"):
        _run(lambda g: admin.set_user_enabled(g, args.username, args.action == "enable"))
        print(f"user {args.username} {args.action}d")
    return 0


# hub keys, hub demo --------------------------------------------------------------------------
@_guarded
def cmd_keys(args: argparse.Namespace) -> int:
    settings = get_settings()
    ring = keys.rotate(settings) if args.action == "rotate" else keys.load_or_create(settings)
    for key in ring.keys:
        marker = "signing" if key is ring.current else "verifying only"
        print(f"{key.kid}  {key.get('alg')}  {marker}")
    return 0


@_guarded
def cmd_demo(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.action == "remove":  # in any mode: this is how a production registry gets clean
        removed = _run(lambda g: demo.remove_demo_credentials(g, settings))
        print(f"{removed} demo credentials removed")
        return 0
    if not settings.is_development:
        raise admin.RegistryError("demo credentials are for development only")
    creds = _run(lambda g: demo.ensure_demo_credentials(g, settings))
    print(json.dumps(demo.as_json(creds)) if args.json else demo.render(creds, settings))
    return 0


def _binding(p: argparse.ArgumentParser) -> None:
    p.add_argument("--enterprise", help="the uscc of the enterprise it acts for")
    p.add_argument("--district", help="the 6-digit district code it is limited to")
    p.add_argument("--json", action="store_true", help="print JSON")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    clients = sub.add_parser("clients", help="OAuth clients of partner systems")
    csub = clients.add_subparsers(dest="action", required=True)
    add = csub.add_parser("add", help="register a client; prints its id and secret once")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True)
    add.add_argument("--scopes", required=True, help='space-separated, e.g. "graph:read"')
    add.add_argument("--redirect-uri", action="append", help="makes a sign-in client for people")
    _binding(add)
    csub.add_parser("list", help="every client, without secrets").add_argument(
        "--json", action="store_true"
    )
    for action in ("disable", "enable", "rotate-secret"):
        p = csub.add_parser(action)
        p.add_argument("client_id")
        p.add_argument("--json", action="store_true")
    clients.set_defaults(func=cmd_clients)

    users = sub.add_parser("users", help="people who sign in (authorization code with PKCE)")
    usub = users.add_subparsers(dest="action", required=True)
    uadd = usub.add_parser("add", help="add a person; asks for the password")
    uadd.add_argument("--username", required=True)
    uadd.add_argument("--role", required=True)
    uadd.add_argument("--scopes", required=True)
    uadd.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    _binding(uadd)
    usub.add_parser("list").add_argument("--json", action="store_true")
    for action in ("disable", "enable"):
        usub.add_parser(action).add_argument("username")
    users.set_defaults(func=cmd_users)

    keyp = sub.add_parser("keys", help="the token signing keys")
    keyp.add_argument("action", choices=["list", "rotate"])
    keyp.set_defaults(func=cmd_keys)

    demop = sub.add_parser("demo", help="demo credentials for `make run` (development only)")
    demop.add_argument("action", choices=["credentials", "remove"])
    demop.add_argument("--json", action="store_true")
    demop.set_defaults(func=cmd_demo)
