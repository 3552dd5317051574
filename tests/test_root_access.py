"""Who may call each root field is declared once, on the field, and enforced by one permission.

No server: the declarations are read from the schema and checked against principals directly.
"""

from __future__ import annotations

import pytest

from hub.access import root_access
from hub.access.principal import PUBLIC, Principal, Role, Scope
from hub.access.root_access import require
from hub.errors import Forbidden
from hub.schema import platforms, schema, whistleblowing
from hub.schema.permissions import root_access as declared_access

DECLARED = declared_access(schema)


def test_every_root_field_and_mutation_declares_who_may_call_it() -> None:
    undeclared = sorted(name for name, access in DECLARED.items() if access is None)
    assert undeclared == []


# The whistleblower's own mutations need no token; the finance step needs reward:pay; triage,
# the two reward steps and notices are market regulation's; listings, signals and
# acknowledgements the platform role's (hub/schema/whistleblowing.py, platforms.py).
WHISTLE = {
    "Mutation.submitTip": whistleblowing.REPORTER,
    "Mutation.answerTip": whistleblowing.REPORTER,
    "Mutation.claimReward": whistleblowing.REPORTER,
    "Mutation.triageTips": whistleblowing.MARKET_WRITE,
    "Mutation.grantReward": whistleblowing.MARKET_WRITE,
    "Mutation.approveReward": whistleblowing.MARKET_WRITE,
    "Mutation.confirmRewardPaid": whistleblowing.FINANCE,
    "Mutation.issueNotice": whistleblowing.MARKET_WRITE,
    "Mutation.registerPlatformShops": platforms.PLATFORM_WRITE,
    "Mutation.reportPlatformSignals": platforms.PLATFORM_WRITE,
    "Mutation.acknowledgeNotices": platforms.PLATFORM_WRITE,
}


def test_every_mutation_of_graph_data_needs_graph_write() -> None:
    mutations = {n: a for n, a in DECLARED.items() if n.startswith("Mutation.")}
    assert mutations
    # The whistleblower channel, saving a case (the hub's own record of an investigation, not
    # data of the graph) and the alert workflow declare their own access.
    assert {n: a for n, a in mutations.items() if n in WHISTLE} == WHISTLE
    assert mutations.pop("Mutation.saveCase") == root_access.EXPLORE
    alert_work = {"Mutation.acknowledgeAlerts", "Mutation.assignAlerts", "Mutation.resolveAlerts"}
    assert all(mutations[n] == root_access.ALERT_WORK for n in alert_work)
    assert Scope.GRAPH_WRITE in root_access.ALERT_WORK.scopes
    rest = {n: a for n, a in mutations.items() if n not in WHISTLE and n not in alert_work}
    assert all(a == root_access.WRITE for a in rest.values())


def test_only_the_finance_step_reads_or_pays_a_payout() -> None:
    finance = Principal(subject="f", role=Role.MARKET, scopes=frozenset({Scope.REWARD_PAY}))
    market = _caller(Role.MARKET, Scope.GRAPH_READ, Scope.GRAPH_WRITE, Scope.INVESTIGATE)
    require(whistleblowing.FINANCE, finance, "rewardPayout")
    for principal in (market, _caller(Role.POLICE, Scope.REWARD_PAY), PUBLIC):
        with pytest.raises(Forbidden):
            require(whistleblowing.FINANCE, principal, "rewardPayout")


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
