"""One mechanism for who may call a root field: a strawberry permission that enforces the field's
declared `Access` (hub/access/root_access.py) before its resolver runs."""

from __future__ import annotations

from typing import Any

from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from hub.access.root_access import Access, require


class Declared(BasePermission):
    """Passes when the caller meets `access`; otherwise raises the hub's FORBIDDEN error."""

    def __init__(self, access: Access) -> None:
        self.access = access

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        require(self.access, info.context.principal, info.field_name)
        return True


def allow(access: Access) -> list[FieldExtension]:
    """The extensions of a root field open under `access` (schema directives off: the SDL
    does not change)."""
    return [PermissionExtension(permissions=[Declared(access)], use_directives=False)]


def declared(extensions: list[FieldExtension]) -> Access | None:
    """The access a field's extensions declare, if any."""
    for ext in extensions:
        if isinstance(ext, PermissionExtension):
            for perm in ext.permissions:
                if isinstance(perm, Declared):
                    return perm.access
    return None


def root_access(schema: Any) -> dict[str, Access | None]:
    """`Query.<field>` / `Mutation.<field>` -> the access it declares (None: none, refused)."""
    out: dict[str, Access | None] = {}
    for type_name in ("Query", "Mutation", "Subscription"):
        definition = schema.get_type_by_name(type_name)
        for f in definition.fields:
            out[type_name + "." + (f.graphql_name or f.python_name)] = declared(f.extensions)
    return out
