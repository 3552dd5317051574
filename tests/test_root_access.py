"""Who may call each root field is declared once, on the field, and enforced by one permission.

No server: the declarations are read from the schema and checked against principals directly.
"""

from __future__ import annotations

import pytest

from hub.access import root_access
from hub.access.principal import PUBLIC, Principal, Role, Scope
from hub.errors import Forbidden
from hub.schema import schema
from hub.schema.permissions import root_access as declared_access

DECLARED = declared_access(schema)


def test_every_root_field_and_mutation_declares_who_may_call_it() -> None:
    undeclared = sorted(name for name, access in DECLARED.items() if access is None)
    assert undeclared == []


def test_every_mutation_of_graph_data_needs_graph_write() -> None:
    mutations = {n: a for n, a in DECLARED.items() if n.startswith("Mutation.")}
    assert mutations
    # Saving a case writes the hub's own record of an investigation, not data of the graph.
    assert mutations.pop("Mutation.saveCase") == root_access.EXPLORE
    alert_work = {"Mutation.acknowledgeAlerts", "Mutation.assignAlerts", "Mutation.resolveAlerts"}
    assert all(a == root_access.WRITE for n, a in mutations.items() if n not in alert_work)
    assert all(mutations[n] == root_access.ALERT_WORK for n in alert_work)
    assert all(a is not None and Scope.GRAPH_WRITE in a.scopes for a in mutations.values())


def _caller(role: Role, *scopes: Scope) -> Principal:
    return Principal(subject="t", role=role, scopes=frozenset(scopes))


@pytest.mark.parametrize(
    ("field", "principal", "allowed"),
    [
        ("Query.cylinder", _caller(Role.POLICE, Scope.GRAPH_READ), True),
        ("Query.cylinder", _caller(Role.POLICE), False),
        ("Query.cylinder", PUBLIC, True),  # then the policy gives the public no type
        ("Query.traceCylinder", _caller(Role.MARKET, Scope.GRAPH_READ), True),
        ("Query.traceCylinder", PUBLIC, False),
        ("Query.traceProduct", _caller(Role.POLICE, Scope.GRAPH_READ), False),  # no Product
        ("Query.neighborhood", _caller(Role.POLICE, Scope.GRAPH_READ), False),
        ("Query.neighborhood", _caller(Role.POLICE, Scope.GRAPH_READ, Scope.INVESTIGATE), True),
        ("Query.auditLog", _caller(Role.AUDITOR, Scope.AUDIT_READ), True),
        ("Query.auditLog", _caller(Role.AUDITOR), False),
        ("Query.auditLog", _caller(Role.ADMIN, Scope.AUDIT_READ), False),
        ("Query.verifyCylinder", PUBLIC, True),
        ("Mutation.recordFillings", _caller(Role.ENTERPRISE, Scope.GRAPH_WRITE), True),
        ("Mutation.recordFillings", _caller(Role.ENTERPRISE, Scope.GRAPH_READ), False),
    ],
)
def test_a_declared_access_admits_exactly_its_callers(
    field: str, principal: Principal, allowed: bool
) -> None:
    access = DECLARED[field]
    assert access is not None
    name = field.split(".", 1)[1]
    if allowed:
        root_access.require(access, principal, name)
    else:
        with pytest.raises(Forbidden) as denied:
            root_access.require(access, principal, name)
        assert denied.value.extensions == {"code": "FORBIDDEN", "field": name}
