"""The closed-loop rules (docs/domain.md), each with its own code, judged against the batch's read.

A rule runs only when every reference of the item exists and is visible (hub/ingest/batch.py
reports those first), so each can read the state of what the item names.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hub.access.principal import Principal
from hub.access.write_policy import LICENSED_BY_HOUSING
from hub.ingest.codes import Code
from hub.ingest.events import next_due
from hub.ingest.fields import Moment
from hub.ingest.item import Item, State


def _state(item: Item, state: State, field_name: str) -> dict[str, Any]:
    assert item.draft is not None
    ref = next(r for r in item.draft.refs if r.field == field_name)
    return state.seen(ref.label, ref.key).state


def _usable_cylinder(item: Item, cyl: dict[str, Any], on: date, fills: bool) -> None:
    """Refused for filling (and for delivery): scrapped, seized or overdue for inspection."""
    scrap: date | None = cyl.get("scrapDate")
    if cyl.get("status") == "SCRAPPED" or (scrap is not None and scrap <= on):
        item.fail("cylinder", Code.CYLINDER_SCRAPPED, "the cylinder is scrapped")
    elif cyl.get("status") == "SEIZED":
        item.fail("cylinder", Code.CYLINDER_SEIZED, "the cylinder is seized")
    else:
        due: date | None = cyl.get("nextInspection")
        if cyl.get("status") == "OVERDUE" or due is None or due < on:
            verb = "filled" if fills else "delivered"
            item.fail(
                "cylinder",
                Code.CYLINDER_OVERDUE,
                f"the cylinder was due for inspection on {due}; it may not be {verb}",
            )


def _owned(item: Item, cyl: dict[str, Any], me: str | None) -> bool:
    if cyl.get("owner") != me:
        item.fail("cylinder", Code.NOT_OWNER, "the cylinder belongs to another enterprise")
        return False
    return True


def filling(item: Item, state: State, p: Principal, moment: Moment) -> None:
    assert item.draft is not None
    on = item.draft.props["time"].date()
    cyl = _state(item, state, "cylinder")
    if _owned(item, cyl, p.enterprise):
        _usable_cylinder(item, cyl, on, fills=True)
    if item.draft.links["filler"]:
        filler = _state(item, state, "filler")
        if "FILLER" not in filler.get("qualifications", []) or p.enterprise not in filler.get(
            "employers", []
        ):
            item.fail("filler", Code.FILLER_NOT_CERTIFIED, "not a certified filler of the station")


def delivery(item: Item, state: State, p: Principal, moment: Moment) -> None:
    assert item.draft is not None
    on = item.draft.props["time"].date()
    cyl = _state(item, state, "cylinder")
    if _owned(item, cyl, p.enterprise):
        _usable_cylinder(item, cyl, on, fills=False)
    vehicle = _state(item, state, "vehicle")
    expiry: date | None = vehicle.get("permitExpiry")
    if vehicle.get("kind") != "DG_TRUCK" or expiry is None:
        item.fail("vehicle", Code.PERMIT_EXPIRED, "the vehicle has no dangerous-goods permit")
    elif expiry < on:
        item.fail("vehicle", Code.PERMIT_EXPIRED, f"the vehicle's permit expired on {expiry}")
    operator = vehicle.get("operator")
    driver, escort = _state(item, state, "driver"), _state(item, state, "escort")
    if "DG_DRIVER" not in driver.get("qualifications", []) or operator not in driver.get(
        "employers", []
    ):
        item.fail("driver", Code.DRIVER_NOT_CERTIFIED, "not a certified driver of the operator")
    if item.draft.links["escort"] == item.draft.links["driver"]:
        item.fail("escort", Code.ESCORT_NOT_CERTIFIED, "the escort is not the driver")
    elif "DG_ESCORT" not in escort.get("qualifications", []) or operator not in escort.get(
        "employers", []
    ):
        item.fail("escort", Code.ESCORT_NOT_CERTIFIED, "not a certified escort of the operator")
    home = _state(item, state, "household")
    if not home.get("registered") or home.get("status") != "ACTIVE":
        item.fail(
            "household",
            Code.HOUSEHOLD_UNREGISTERED,
            "the household is not registered to a real-name person",
        )


def inspection(item: Item, state: State, p: Principal, moment: Moment) -> None:
    assert item.draft is not None
    cyl = _state(item, state, "cylinder")
    if cyl.get("status") == "SCRAPPED":
        item.fail("cylinder", Code.CYLINDER_SCRAPPED, "a scrapped cylinder is not inspected")
    if _state(item, state, "agency").get("kind") != "INSPECTION_AGENCY":
        item.fail("agency", Code.WRONG_KIND, "the agency is not an inspection agency")
    next_due(item.draft, cyl.get("model"))


def _tradeable(item: Item, state: State) -> None:
    if _state(item, state, "product").get("failed"):
        item.fail("product", Code.BATCH_FAILED_TEST, "the batch failed its test")


def shipment(item: Item, state: State, p: Principal, moment: Moment) -> None:
    _tradeable(item, state)


def sale(item: Item, state: State, p: Principal, moment: Moment) -> None:
    _tradeable(item, state)


def cylinder_registration(item: Item, state: State, p: Principal, moment: Moment) -> None:
    assert item.draft is not None
    if _state(item, state, "maker").get("kind") != "CYLINDER_MANUFACTURER":
        item.fail("maker", Code.WRONG_KIND, "the maker is not a cylinder manufacturer")
    if item.draft.props["status"] == "SCRAPPED":
        item.fail(
            "madeOn",
            Code.CYLINDER_SCRAPPED,
            f"the cylinder is past its scrap date {item.draft.props['scrapDate']}",
        )


def cylinder_status(item: Item, state: State, p: Principal, moment: Moment) -> None:
    assert item.draft is not None
    cyl = _state(item, state, "code")
    if cyl.get("status") == "SCRAPPED" and item.draft.props["status"] != "SCRAPPED":
        item.fail("code", Code.CYLINDER_SCRAPPED, "a scrapped cylinder stays scrapped")


def licence(item: Item, state: State, p: Principal, moment: Moment) -> None:
    if _state(item, state, "uscc").get("kind") not in LICENSED_BY_HOUSING:
        item.fail("uscc", Code.WRONG_KIND, "housing licenses gas operation only")
