"""Agency writes that change an existing record: a cylinder's status (market), a gas enterprise's
licence (housing), a vehicle's permit (transport), a person's identity check (police)."""

from __future__ import annotations

from hub.access.principal import Principal
from hub.ingest.fields import TEXT_MAX, Fields
from hub.ingest.item import Draft, Ref


def cylinder_status(f: Fields, p: Principal) -> Draft | None:
    """A status change is an event too: its `eventId` is kept on a `StatusChange` node, so a
    resend is a replay even after another change of the cylinder (hub/graph/ingest_write_repo)."""
    event, code = f.key("eventId"), f.key("code")
    props = {
        "status": f.choice("status"),
        "statusReason": f.text("reason", TEXT_MAX),
        "statusChangedAt": f.time(),
    }
    if event is None or code is None or f.errors:
        return None
    return Draft(code, props, refs=[Ref("code", "Cylinder", code)], extra={"eventId": event})


def licence(f: Fields, p: Principal) -> Draft | None:
    uscc = f.uscc("uscc")
    props = {
        "licenceNo": f.text("licenceNo", 64),
        "licenceExpiry": f.date("licenceExpiry", future_ok=True),
    }
    if uscc is None or f.errors:
        return None
    return Draft(uscc, props, refs=[Ref("uscc", "Enterprise", uscc)])


def permit(f: Fields, p: Principal) -> Draft | None:
    plate = f.plate("plate")
    props = {
        "permitNo": f.text("permitNo", 64),
        "permitExpiry": f.date("permitExpiry", future_ok=True),
    }
    if plate is None or f.errors:
        return None
    return Draft(plate, props, refs=[Ref("plate", "Vehicle", plate)])


def verification(f: Fields, p: Principal) -> Draft | None:
    id_number = f.resident_id("idNumber")
    verified = f.flag("verified")
    if id_number is None or f.errors:
        return None
    return Draft(id_number, {"verified": verified}, refs=[Ref("idNumber", "Person", id_number)])
