"""The registry by hand (`hub clients ...`, `hub users ...`) and the demo credentials' guard."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from neo4j import AsyncManagedTransaction

from hub.app import create_app
from hub.cli import main
from hub.config import Environment, Settings
from hub.errors import Unauthenticated
from hub.graph.driver import Graph, connection_for, fetch_all
from hub.oauth import admin, registry
from hub.oauth.demo import EXPLORER_CLIENT, ensure_demo_credentials, remove_demo_credentials
from hub.oauth.service import DemoCredentialsInProduction, OAuth
from tests.oauth_support import Registrar, claims_for, hub_key, sign, unique


@pytest.fixture
async def reg(graph: Graph) -> AsyncIterator[Registrar]:
    registrar = Registrar(graph)
    yield registrar
    await registrar.cleanup()


def hub(*argv: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


def production(settings: Settings) -> Settings:
    """Production mode over the same test server (its real password, so that start-up reads)."""
    password = connection_for(settings).password
    return settings.model_copy(
        update={
            "hub_env": Environment.PRODUCTION,
            "hub_graphiql": False,
            "neo4j_password": password,
        }
    )


def test_clients_add_prints_the_id_and_secret_once_and_list_never_shows_it(
    reg: Registrar,
) -> None:
    name = unique("cli")
    added = json.loads(
        hub("clients", "add", "--name", name, "--role", "police", "--scopes", "graph:read",
            "--district", "350102", "--json")
    )  # fmt: skip
    reg.client_ids.append(added["client_id"])
    assert len(added["client_secret"]) >= 43  # 256 bits, URL-safe
    listed = [c for c in json.loads(hub("clients", "list", "--json")) if c["name"] == name]
    assert listed[0]["client_id"] == added["client_id"]
    assert listed[0]["district"] == "350102"
    assert added["client_secret"] not in json.dumps(listed)
    assert "secret_hash" not in listed[0]
    hub("clients", "disable", added["client_id"])
    relisted = json.loads(hub("clients", "list", "--json"))
    assert next(c for c in relisted if c["name"] == name)["enabled"] is False
    rotated = json.loads(hub("clients", "rotate-secret", added["client_id"], "--json"))
    assert rotated["client_secret"] != added["client_secret"]


async def test_a_secret_is_stored_only_as_an_argon2_hash(reg: Registrar, graph: Graph) -> None:
    new = await reg.client("police")
    stored = await graph.read(registry.find_client, new.client.client_id)
    assert stored is not None
    assert stored.secret_hash is not None
    assert stored.secret_hash.startswith("$argon2id$")
    assert new.secret is not None
    assert new.secret not in stored.secret_hash


async def test_bad_registrations_are_refused_with_a_reason(reg: Registrar) -> None:
    with pytest.raises(admin.RegistryError, match="bound to its enterprise"):
        await reg.client("enterprise", "graph:read")
    with pytest.raises(admin.RegistryError, match="scope"):
        await reg.client("police", "graph:everything")
    with pytest.raises(admin.RegistryError, match="18 characters"):
        await reg.client("enterprise", "graph:read", enterprise="123")
    with pytest.raises(admin.RegistryError, match="at least 12"):
        await reg.user("market", "graph:read", password="short")


async def test_production_refuses_to_start_with_a_demo_credential_present(
    settings: Settings, graph: Graph
) -> None:
    demo = await admin.add_client(graph, unique("demo"), "police", "graph:read", demo=True)
    try:
        app = create_app(production(settings))
        with pytest.raises(DemoCredentialsInProduction, match="demo"):
            async with app.router.lifespan_context(app):
                pass
    finally:
        await graph.write(registry.delete_client, demo.client.client_id)


async def test_a_demo_clients_token_is_refused_in_production(
    settings: Settings, graph: Graph
) -> None:
    demo = await admin.add_client(graph, unique("demo"), "police", "graph:read", demo=True)
    try:
        oauth = OAuth.create(production(settings))
        oauth.bind(graph)
        token = sign(claims_for(settings, demo.client.client_id), hub_key(settings))
        with pytest.raises(Unauthenticated, match="demo"):
            await oauth.principal_for_bearer(f"Bearer {token}")
    finally:
        await graph.write(registry.delete_client, demo.client.client_id)


def test_users_add_reads_the_password_from_stdin_and_never_prints_it(
    reg: Registrar, monkeypatch: pytest.MonkeyPatch
) -> None:
    username = unique("person")
    monkeypatch.setattr("sys.stdin", io.StringIO("correct horse battery staple\n"))
    added = json.loads(
        hub("users", "add", "--username", username, "--role", "market",
            "--scopes", "graph:read investigate", "--password-stdin", "--json")
    )  # fmt: skip
    reg.usernames.append(username)
    assert added["scopes"] == ["graph:read", "investigate"]
    assert "password_hash" not in added
    listed = hub("users", "list")
    assert username in listed
    assert "correct horse" not in listed


class _RolledBack(Exception):
    def __init__(self, deleted: int, left: int) -> None:
        self.deleted, self.left = deleted, left


async def test_removing_the_demo_credentials_deletes_every_demo_client_and_person(
    graph: Graph,
) -> None:
    """`hub demo remove`'s statement, run and rolled back: the suite's own demo credentials
    (used by the browser tests) stay."""
    client = await admin.add_client(graph, unique("demo"), "police", "graph:read", demo=True)
    user = await admin.add_user(
        graph, unique("demo-u"), "market", "graph:read", "a long demo password", demo=True
    )
    try:

        async def remove_then_roll_back(tx: AsyncManagedTransaction) -> None:
            deleted = await registry.delete_demo_credentials(tx)
            left = await fetch_all(
                tx, "MATCH (n) WHERE (n:OAuthClient OR n:OAuthUser) AND n.demo RETURN n"
            )
            raise _RolledBack(deleted, len(left))

        with pytest.raises(_RolledBack) as done:
            await graph.write(remove_then_roll_back)
        assert done.value.deleted >= 2  # ours, and any the suite made
        assert done.value.left == 0
    finally:
        await graph.write(registry.delete_client, client.client.client_id)
        await graph.write(registry.delete_user, user.username)


async def test_demo_credentials_follow_the_issuer_the_hub_runs_at(
    settings: Settings, graph: Graph, tmp_path: Path
) -> None:
    """A second `hub demo credentials` at another issuer (`make run` on another port) points
    the pages' sign-in clients there; before, sign-in failed until `hub demo remove`."""
    first = settings.model_copy(
        update={"hub_issuer": "http://127.0.0.1:8000", "hub_state_dir": tmp_path}
    )
    moved = first.model_copy(update={"hub_issuer": "http://127.0.0.1:8021"})
    try:
        await ensure_demo_credentials(graph, first)
        await ensure_demo_credentials(graph, moved)
        page = await graph.read(registry.find_client_by_name, EXPLORER_CLIENT)
        assert page is not None
        assert page.redirect_uris == ("http://127.0.0.1:8021/explorer",)
    finally:
        await remove_demo_credentials(graph, moved)
