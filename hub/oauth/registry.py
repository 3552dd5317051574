"""The client and people registry, as the authorization server's models: transaction functions
over the statements of hub/graph/registry_repo.py."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from hub.graph import registry_repo as repo
from hub.oauth.models import OAuthClient, OAuthUser


async def create_client(tx: AsyncManagedTransaction, client: OAuthClient, now: datetime) -> None:
    await repo.create_client(
        tx,
        {
            "clientId": client.client_id,
            "name": client.name,
            "role": client.role.value,
            "scopes": list(client.scopes),
            "enterprise": client.enterprise,
            "district": client.district,
            "secretHash": client.secret_hash,
            "redirectUris": list(client.redirect_uris),
            "demo": client.demo,
            "now": now,
        },
    )


async def find_client(tx: AsyncManagedTransaction, client_id: str) -> OAuthClient | None:
    record = await repo.find_client(tx, client_id)
    return OAuthClient.from_record(record) if record else None


async def find_client_by_name(tx: AsyncManagedTransaction, name: str) -> OAuthClient | None:
    record = await repo.find_client_by_name(tx, name)
    return OAuthClient.from_record(record) if record else None


async def list_clients(tx: AsyncManagedTransaction) -> list[OAuthClient]:
    return [OAuthClient.from_record(r) for r in await repo.list_clients(tx)]


async def set_client_enabled(tx: AsyncManagedTransaction, client_id: str, enabled: bool) -> bool:
    return await repo.set_client_enabled(tx, client_id, enabled)


async def set_client_secret(
    tx: AsyncManagedTransaction, client_id: str, secret_hash: str, now: datetime
) -> bool:
    return await repo.set_client_secret(tx, client_id, secret_hash, now)


async def set_redirect_uris(tx: AsyncManagedTransaction, client_id: str, uris: list[str]) -> bool:
    return await repo.set_redirect_uris(tx, client_id, uris)


async def delete_client(tx: AsyncManagedTransaction, client_id: str) -> bool:
    return await repo.delete_client(tx, client_id)


async def demo_credential_names(tx: AsyncManagedTransaction) -> list[str]:
    """The names of every demo client and demo person in the registry."""
    return await repo.demo_credential_names(tx)


async def create_user(tx: AsyncManagedTransaction, user: OAuthUser, now: datetime) -> None:
    await repo.create_user(
        tx,
        {
            "username": user.username,
            "role": user.role.value,
            "scopes": list(user.scopes),
            "enterprise": user.enterprise,
            "district": user.district,
            "passwordHash": user.password_hash,
            "demo": user.demo,
            "now": now,
        },
    )


async def find_user(tx: AsyncManagedTransaction, username: str) -> OAuthUser | None:
    record = await repo.find_user(tx, username)
    return OAuthUser.from_record(record) if record else None


async def list_users(tx: AsyncManagedTransaction) -> list[OAuthUser]:
    return [OAuthUser.from_record(r) for r in await repo.list_users(tx)]


async def set_user_enabled(tx: AsyncManagedTransaction, username: str, enabled: bool) -> bool:
    return await repo.set_user_enabled(tx, username, enabled)


async def delete_user(tx: AsyncManagedTransaction, username: str) -> bool:
    return await repo.delete_user(tx, username)


async def enterprise_per_kind(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
    """One enterprise (the smallest uscc) of every kind in the graph, for demo clients."""
    return await repo.enterprise_per_kind(tx)


async def delete_demo_credentials(tx: AsyncManagedTransaction) -> int:
    return await repo.delete_demo_credentials(tx)
