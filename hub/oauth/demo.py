"""Demo credentials for `make run`: a client per agency role, an enterprise client per enterprise
kind in the seeded graph, a sign-in client and an investigator person.

Idempotent: the secrets are kept in `<state>/demo-credentials.json` (mode 600, git-ignored), so a
second run prints the same ones. Every demo client and person is flagged `demo`, production
refuses to start while one exists, and `hub demo remove` deletes them all.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from hub.access.principal import Role, Scope
from hub.config import Settings
from hub.graph.driver import Graph
from hub.oauth import admin, registry
from hub.oauth.routes import AUTHORIZE_PATH, CALLBACK_PATH, TOKEN_PATH

READ_WRITE = f"{Scope.GRAPH_READ} {Scope.GRAPH_WRITE}"
ROLE_SCOPES: dict[Role, str] = {
    Role.MARKET: READ_WRITE,
    Role.HOUSING: READ_WRITE,
    Role.TRANSPORT: READ_WRITE,
    Role.POLICE: READ_WRITE,
    Role.EMERGENCY: READ_WRITE,
    Role.AUDITOR: Scope.AUDIT_READ.value,
    Role.ADMIN: Scope.ADMIN.value,
}
SIGN_IN_CLIENT = "demo-explorer"
EXPLORER_CLIENT = "demo-explorer-page"
EXPLORER_PATH = "/explorer"
INVESTIGATOR = "demo-investigator"
INVESTIGATOR_SCOPES = f"{Scope.GRAPH_READ} {Scope.INVESTIGATE}"
# The inspectors' field app (hub/field) signs in through its own client; the inspector writes.
# The console (hub/console): GraphiQL signing a developer in as their own role.
CONSOLE_CLIENT = "demo-console-page"
CONSOLE_PATH = "/console"
FIELD_CLIENT = "demo-field-page"
FIELD_PATH = "/field"
SUPERVISION_CLIENT = "demo-supervision-page"
SUPERVISION_PATH = "/supervision"
INSPECTOR = "demo-inspector"
INSPECTOR_SCOPES = READ_WRITE


@dataclass(frozen=True)
class DemoCredential:
    name: str
    role: str
    scopes: str
    bound_to: str | None = None
    client_id: str | None = None
    secret: str | None = None  # a client secret, or the person's password


def _load(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def _save(path: Path, creds: list[DemoCredential]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {c.name: asdict(c) for c in creds}
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out, indent=2, ensure_ascii=False)
    os.replace(path.with_suffix(".tmp"), path)


async def _client(
    graph: Graph,
    stored: dict[str, dict[str, str]],
    name: str,
    role: str,
    scopes: str,
    enterprise: str | None = None,
    redirect_uri: str | None = None,
) -> DemoCredential:
    kept = stored.get(name, {})
    existing = await graph.read(registry.find_client_by_name, name)
    if existing is not None and not existing.demo:
        raise admin.RegistryError(f"a client named {name!r} exists and is not a demo client")
    if existing is not None:
        secret = kept.get("secret") if kept.get("client_id") == existing.client_id else None
        if secret is None and redirect_uri is None:
            secret = await admin.rotate_secret(graph, existing.client_id)
        await admin.set_client_enabled(graph, existing.client_id, True)
        if redirect_uri and existing.redirect_uris != (redirect_uri,):
            # The hub now runs at another issuer (HUB_ISSUER, a port): its pages sign in there.
            await admin.set_redirect_uris(graph, existing.client_id, (redirect_uri,))
        client_id = existing.client_id
    else:
        created = await admin.add_client(
            graph,
            name,
            role,
            scopes,
            enterprise=enterprise,
            redirect_uris=(redirect_uri,) if redirect_uri else (),
            demo=True,
        )
        client_id, secret = created.client.client_id, created.secret
    return DemoCredential(name, role, scopes, enterprise, client_id, secret)


async def _person(
    graph: Graph, stored: dict[str, dict[str, str]], name: str, scopes: str
) -> DemoCredential:
    password = stored.get(name, {}).get("secret")
    existing = await graph.read(registry.find_user, name)
    if existing is not None and (password is None or not existing.demo):
        if not existing.demo:
            raise admin.RegistryError(f"a user named {name!r} exists and is not a demo")
        await graph.write(registry.delete_user, name)  # its password is lost: renew it
        existing = None
    if existing is None:
        password = secrets.token_urlsafe(12)
        await admin.add_user(graph, name, Role.MARKET.value, scopes, password, demo=True)
    return DemoCredential(name, Role.MARKET.value, scopes, secret=password)


async def ensure_demo_credentials(graph: Graph, settings: Settings) -> list[DemoCredential]:
    stored = _load(settings.demo_credentials_file)
    creds = [
        await _client(graph, stored, f"demo-{role.value}", role.value, scopes)
        for role, scopes in ROLE_SCOPES.items()
    ]
    for row in await graph.read(registry.enterprise_per_kind):
        kind = str(row["kind"]).lower().replace("_", "-")
        creds.append(
            await _client(
                graph, stored, f"demo-{kind}", Role.ENTERPRISE.value, READ_WRITE, row["uscc"]
            )
        )
    callback = settings.hub_issuer.rstrip("/") + CALLBACK_PATH
    creds.append(
        await _client(
            graph, stored, SIGN_IN_CLIENT, Role.MARKET.value, INVESTIGATOR_SCOPES, None, callback
        )
    )
    # The explorer page (hub/explorer) signs people in through its own client.
    explorer_page = settings.hub_issuer.rstrip("/") + EXPLORER_PATH
    creds.append(
        await _client(
            graph, stored, EXPLORER_CLIENT, Role.MARKET.value, INVESTIGATOR_SCOPES, None,
            explorer_page,
        )
    )  # fmt: skip
    console_page = settings.hub_issuer.rstrip("/") + CONSOLE_PATH
    creds.append(
        await _client(
            graph, stored, CONSOLE_CLIENT, Role.MARKET.value, INVESTIGATOR_SCOPES, None,
            console_page,
        )
    )  # fmt: skip
    field_page = settings.hub_issuer.rstrip("/") + FIELD_PATH
    creds.append(
        await _client(
            graph, stored, FIELD_CLIENT, Role.MARKET.value, INSPECTOR_SCOPES, None, field_page
        )
    )
    # The supervision page (hub/supervision) signs department leads in through its own client.
    supervision_page = settings.hub_issuer.rstrip("/") + SUPERVISION_PATH
    creds.append(
        await _client(
            graph, stored, SUPERVISION_CLIENT, Role.MARKET.value, "graph:read", None,
            supervision_page,
        )
    )  # fmt: skip
    creds.append(await _person(graph, stored, INVESTIGATOR, INVESTIGATOR_SCOPES))
    creds.append(await _person(graph, stored, INSPECTOR, INSPECTOR_SCOPES))
    _save(settings.demo_credentials_file, creds)
    return creds


async def remove_demo_credentials(graph: Graph, settings: Settings) -> int:
    settings.demo_credentials_file.unlink(missing_ok=True)
    return int(await graph.write(registry.delete_demo_credentials))


def render(creds: list[DemoCredential], settings: Settings) -> str:
    base = settings.hub_issuer.rstrip("/")
    lines = [
        f"Demo credentials (development only; kept in {settings.demo_credentials_file.name} "
        "under the state folder):",
        f"  {'name':<32} {'role':<11} {'bound to':<19} {'client id':<28} secret / password",
    ]
    for c in creds:
        lines.append(
            f"  {c.name:<32} {c.role:<11} {c.bound_to or '-':<19} {c.client_id or '-':<28} "
            f"{c.secret or '-'}"
        )
    by_name = {c.name: c for c in creds}
    police = by_name["demo-police"]
    lines += [
        "",
        "A token for any client (here: police), then a first query:",
        f"  curl -s -u '{police.client_id}:{police.secret}' -d grant_type=client_credentials "
        f"{base}{TOKEN_PATH}",
        f"  curl -s -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' "
        f'-d \'{{"query": "{{ me {{ role scopes }} }}"}}\' {base}/graphql',
    ]
    explorer = by_name[SIGN_IN_CLIENT]
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = urlencode(
        {
            "response_type": "code",
            "client_id": explorer.client_id or "",
            "redirect_uri": base + CALLBACK_PATH,
            "scope": INVESTIGATOR_SCOPES,
            "state": secrets.token_urlsafe(8),
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }
    )
    lines += [
        "",
        f"The investigator ({INVESTIGATOR}, password above) signs in at:",
        f"  {base}{AUTHORIZE_PATH}?{query}",
        "and trades the code shown for a token:",
        f"  curl -s -d grant_type=authorization_code -d client_id={explorer.client_id} "
        f"-d redirect_uri={base}{CALLBACK_PATH} -d code_verifier={verifier} -d code=CODE "
        f"{base}{TOKEN_PATH}",
        "",
        "Pages: anyone checks a code at "
        + base
        + "/check; the investigator signs in at "
        + base
        + EXPLORER_PATH
        + f"; the inspector ({INSPECTOR}) at "
        + base
        + FIELD_PATH
        + ".",
    ]
    return "\n".join(lines)


def as_json(creds: list[DemoCredential]) -> list[dict[str, Any]]:
    return [asdict(c) for c in creds]
