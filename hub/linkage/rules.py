"""The linkage rules as data: one row per rule, with its names, what fires it, its severity and
where its alerts are routed (departments, and the enterprise a notice is addressed to).

Nothing else in the hub names a department for an alert: the firing code (hub/linkage/firing.py,
hub/linkage/scan.py) picks a rule by id, and the rule says who hears of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from hub.access.write_policy import Write
from hub.catalog.roles import Role

Trigger = Literal["ingestion", "incident", "scan", "whistleblowing", "lookup"]
# Whom besides the departments an alert is addressed to: no enterprise, the enterprise the
# firing names as its subject (the owner station of a cylinder, the licensee...).
Addressee = Literal["none", "subject"]


class Severity(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class Status(StrEnum):
    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"
    DISMISSED = "DISMISSED"


OPEN_STATUSES = (Status.OPEN, Status.ACKNOWLEDGED)  # an alert still counts repeated firings


@dataclass(frozen=True)
class Rule:
    id: str
    zh: str
    en: str
    trigger: Trigger
    severity: Severity
    departments: frozenset[Role]
    addressee: Addressee = "none"


def _r(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


M, H, T, P, E = Role.MARKET, Role.HOUSING, Role.TRANSPORT, Role.POLICE, Role.EMERGENCY
HIGH, MEDIUM, LOW, CRIT = Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.CRITICAL

RULES: tuple[Rule, ...] = (
    # At ingestion: the refused item is itself the signal.
    Rule("FILL_OVERDUE", "超期未检气瓶充装", "Filling attempt on an overdue cylinder",
         "ingestion", HIGH, _r(M)),
    Rule("FILL_SCRAPPED", "报废气瓶充装", "Filling attempt on a scrapped cylinder",
         "ingestion", HIGH, _r(M)),
    Rule("FILL_SEIZED", "查封气瓶充装", "Filling attempt on a seized cylinder",
         "ingestion", CRIT, _r(M, P)),
    Rule("FILL_NOT_OWNER", "充装非自有产权气瓶", "Filling another station's cylinder",
         "ingestion", MEDIUM, _r(M, H)),
    Rule("DELIVERY_PERMIT", "危险货物运输许可失效配送",
         "Delivery by a vehicle without a valid permit", "ingestion", HIGH, _r(T, H)),
    Rule("DELIVERY_CREW", "驾驶员或押运员无资格配送", "Delivery by an uncertified driver or escort",
         "ingestion", HIGH, _r(T, P)),
    Rule("DELIVERY_UNREGISTERED", "向未实名用户配送", "Delivery to an unregistered household",
         "ingestion", MEDIUM, _r(H, M)),
    Rule("FAILED_BATCH_SHIPPED", "不合格批次发运", "Shipping a batch that failed its test",
         "ingestion", HIGH, _r(M)),
    Rule("FAILED_BATCH_SOLD", "不合格批次销售", "Selling a batch that failed its test",
         "ingestion", HIGH, _r(M)),
    # On an incident that involves a cylinder or a household.
    Rule("INCIDENT", "涉瓶涉户事故", "Incident involving a cylinder or a household",
         "incident", CRIT, _r(E, H, M)),
    # From the scheduled scan.
    Rule("CYLINDER_DUE_SOON", "气瓶30天内到期检验", "Cylinder due for inspection within 30 days",
         "scan", LOW, _r(), "subject"),
    Rule("OVERDUE_AT_HOUSEHOLD", "超期气瓶仍在用户处", "Overdue cylinder still at a household",
         "scan", HIGH, _r(M, H)),
    Rule("PERMIT_EXPIRING_IN_USE", "运输许可到期仍在使用",
         "Vehicle permit expiring or expired while in use", "scan", MEDIUM, _r(T), "subject"),
    Rule("LICENCE_EXPIRING_IN_USE", "经营许可到期仍在经营",
         "Enterprise licence expiring or expired while in use", "scan", MEDIUM, _r(H, M),
         "subject"),
    Rule("RECALL_DOWNSTREAM", "不合格批次下游商户召回",
         "Downstream merchant of a failed batch (recall)", "scan", HIGH, _r(M), "subject"),
    # From the whistleblower channel and the platforms (hub/linkage/whistleblowing.py): never
    # addressed to the enterprise concerned, which must not learn of a tip.
    Rule("TIP_LINKED", "举报线索关联企业", "A tip linked to an enterprise in triage",
         "whistleblowing", MEDIUM, _r(M)),
    Rule("UNLICENSED_SHOP", "平台网店无有效许可", "A platform shop listed without a valid licence",
         "whistleblowing", HIGH, _r(M)),
    Rule("NOTICE_ESCALATED", "平台通知逾期未确认", "A notice to a platform past its deadline",
         "whistleblowing", HIGH, _r(M)),
    # From the explicit lookups by full identity number (hub/resolvers/lookups.py): one alert per
    # client and Fuzhou day, when its lookups that found nobody reach the threshold or it asks
    # past its quota. Police only: the client's own department could dismiss it (any department
    # an alert is routed to may resolve it), and a misused client would learn it was seen.
    Rule("ID_LOOKUP_ENUMERATION", "身份证号查询疑似枚举",
         "Lookups by identity number that look like enumeration", "lookup", HIGH, _r(P)),
)  # fmt: skip

RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
assert len(RULES_BY_ID) == len(RULES)

# Which refusal (its item error code, hub/ingest/codes.py) of which mutation fires which rule.
REFUSALS: dict[tuple[Write, str], str] = {
    (Write.RECORD_FILLINGS, "CYLINDER_OVERDUE"): "FILL_OVERDUE",
    (Write.RECORD_FILLINGS, "CYLINDER_SCRAPPED"): "FILL_SCRAPPED",
    (Write.RECORD_FILLINGS, "CYLINDER_SEIZED"): "FILL_SEIZED",
    (Write.RECORD_FILLINGS, "NOT_OWNER"): "FILL_NOT_OWNER",
    (Write.RECORD_DELIVERIES, "PERMIT_EXPIRED"): "DELIVERY_PERMIT",
    (Write.RECORD_DELIVERIES, "DRIVER_NOT_CERTIFIED"): "DELIVERY_CREW",
    (Write.RECORD_DELIVERIES, "ESCORT_NOT_CERTIFIED"): "DELIVERY_CREW",
    (Write.RECORD_DELIVERIES, "HOUSEHOLD_UNREGISTERED"): "DELIVERY_UNREGISTERED",
    (Write.RECORD_SHIPMENTS, "BATCH_FAILED_TEST"): "FAILED_BATCH_SHIPPED",
    (Write.RECORD_SALES, "BATCH_FAILED_TEST"): "FAILED_BATCH_SOLD",
}
assert all(rule in RULES_BY_ID for rule in REFUSALS.values())

DEPARTMENTS = (M, H, T, P, E)  # the roles an alert may be routed to
