"""Helpers for the ingestion tests: fresh valid identifiers, pushing a batch, and a small world
of the tests' own (enterprises, staff, a truck, households, cylinders, batches) so that no test
writes about seeded rows that other tests count. Everything is recorded by a per-run client id
and deleted by it afterwards."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from hub.clock import FUZHOU, Clock
from hub.graph.driver import Graph
from hub.identifiers import USCC_ALPHABET, make_resident_id, make_uscc
from tests.graphql import cypher, gql

WRITE_SCOPES = "graph:read graph:write"
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"

INPUTS = {
    "registerEnterprises": "EnterpriseInput",
    "registerCylinders": "CylinderInput",
    "registerHouseholds": "HouseholdInput",
    "registerVehicles": "VehicleInput",
    "registerEmployees": "EmployeeInput",
    "registerProducts": "ProductInput",
    "recordFillings": "FillingInput",
    "recordDeliveries": "DeliveryInput",
    "recordInspections": "InspectionInput",
    "recordShipments": "ShipmentInput",
    "recordBatchTests": "BatchTestInput",
    "recordSales": "SaleInput",
    "reportIncidents": "IncidentInput",
    "setCylinderStatus": "CylinderStatusInput",
    "setEnterpriseLicences": "LicenceInput",
    "setVehiclePermits": "PermitInput",
    "verifyPeople": "VerificationInput",
}
RESULT = "written replayed failed results { index ok id replayed errors { field code message } }"


def _pick(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def new_uscc() -> str:
    return make_uscc("91350102" + _pick(USCC_ALPHABET, 9))


def new_id_number() -> str:
    born = date(1960, 1, 1) + timedelta(days=secrets.randbelow(12_000))
    return make_resident_id("350102", born, secrets.randbelow(1000))


def new_plate() -> str:
    return "闽A" + _pick(PLATE_CHARS, 5)


def new_key(prefix: str) -> str:
    return f"T{prefix}-{secrets.token_hex(6)}"


HUB_CLOCK = Clock()  # the clock of the suite's hub: "today" is Fuzhou's, not the machine's


def fuzhou_day(time: str) -> date:
    """The day in Fuzhou of an ISO 8601 time."""
    return datetime.fromisoformat(time).astimezone(FUZHOU).date()


def ago(**delta: float) -> str:
    """A time in the past, ISO 8601 with the +08:00 zone."""
    return (datetime.now(UTC) - timedelta(**delta)).astimezone(FUZHOU).isoformat(timespec="seconds")


@dataclass
class Writer:
    """One test client: pushes batches as a role, recorded under its own client id."""

    client: httpx.AsyncClient
    subject: str

    async def push(
        self, mutation: str, items: list[dict[str, Any]], role: str = "enterprise", **claims: str
    ) -> dict[str, Any]:
        """The whole answer to one mutation call."""
        query = (
            f"mutation($items: [{INPUTS[mutation]}!]!) "
            f"{{ {mutation}(items: $items) {{ {RESULT} }} }}"
        )
        claims.setdefault("scopes", WRITE_SCOPES)
        claims.setdefault("sub", self.subject)
        return await gql(self.client, query, role, {"items": items}, **claims)

    async def results(
        self, mutation: str, items: list[dict[str, Any]], role: str = "enterprise", **claims: str
    ) -> list[dict[str, Any]]:
        body = await self.push(mutation, items, role, **claims)
        assert "errors" not in body, body
        results: list[dict[str, Any]] = body["data"][mutation]["results"]
        return results

    async def ok(
        self, mutation: str, items: list[dict[str, Any]], role: str = "enterprise", **claims: str
    ) -> list[dict[str, Any]]:
        results = await self.results(mutation, items, role, **claims)
        assert all(r["ok"] for r in results), results
        return results


def codes(result: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in result["errors"]]


@dataclass
class World:
    """The tests' own little Fuzhou: a station with its crew, truck, customer and cylinders; a
    maker, an inspection agency, a producer, a wholesale market and a supermarket."""

    w: Writer
    station: str = field(default_factory=new_uscc)
    other_station: str = field(default_factory=new_uscc)
    maker: str = field(default_factory=new_uscc)
    agency: str = field(default_factory=new_uscc)
    producer: str = field(default_factory=new_uscc)
    market: str = field(default_factory=new_uscc)
    shop: str = field(default_factory=new_uscc)
    truck: str = field(default_factory=new_plate)
    driver: str = field(default_factory=new_id_number)
    escort: str = field(default_factory=new_id_number)
    filler: str = field(default_factory=new_id_number)
    home: str = field(default_factory=lambda: new_key("H"))
    customer: str = field(default_factory=new_id_number)

    def kinds(self) -> dict[str, str]:
        return {
            self.station: "FILLING_STATION",
            self.other_station: "FILLING_STATION",
            self.maker: "CYLINDER_MANUFACTURER",
            self.agency: "INSPECTION_AGENCY",
            self.producer: "FOOD_PRODUCER",
            self.market: "WHOLESALE_MARKET",
            self.shop: "SUPERMARKET",
        }

    async def build(self) -> World:
        await self.w.ok("registerEnterprises", [enterprise(u, k) for u, k in self.kinds().items()],
                        "market")  # fmt: skip
        await self.w.ok("registerVehicles", [truck(self.truck)], enterprise=self.station)
        crew = [
            employee(self.driver, ["DG_DRIVER"], [self.truck]),
            employee(self.escort, ["DG_ESCORT"]),
            employee(self.filler, ["FILLER"]),
        ]
        await self.w.ok("registerEmployees", crew, enterprise=self.station)
        await self.w.ok("registerHouseholds", [household(self.home, self.customer)],
                        enterprise=self.station)  # fmt: skip
        return self

    async def cylinders(self, n: int = 1, station: str | None = None, **over: Any) -> list[str]:
        codes_ = [new_key("C") for _ in range(n)]
        items = [cylinder(code, self.maker, **over) for code in codes_]
        await self.w.ok("registerCylinders", items, enterprise=station or self.station)
        return codes_

    async def product(self, **over: Any) -> str:
        code = new_key("P")
        await self.w.ok("registerProducts", [product(code, **over)], enterprise=self.producer)
        return code

    def delivery(self, cylinder_code: str, **over: Any) -> dict[str, Any]:
        item = {"eventId": new_key("D"), "cylinder": cylinder_code, "household": self.home,
                "vehicle": self.truck, "driver": self.driver, "escort": self.escort,
                "time": ago(minutes=5)}  # fmt: skip
        return item | over


def enterprise(uscc: str, kind: str, **over: Any) -> dict[str, Any]:
    item = {"uscc": uscc, "name": f"测试 {kind} {uscc[-4:]}", "kind": kind,
            "district": "350102", "address": "福州市鼓楼区测试路1号"}  # fmt: skip
    return item | over


def truck(plate: str, **over: Any) -> dict[str, Any]:
    expiry = (HUB_CLOCK.today() + timedelta(days=365)).isoformat()
    return {"plate": plate, "kind": "DG_TRUCK", "permitNo": "闽交危" + plate[-4:],
            "permitExpiry": expiry} | over  # fmt: skip


def employee(id_number: str, quals: list[str], drives: list[str] | None = None) -> dict[str, Any]:
    return {"idNumber": id_number, "name": "测试员", "phone": "13800000000",
            "qualifications": quals, "drives": drives or []}  # fmt: skip


def household(key: str, person: str, **over: Any) -> dict[str, Any]:
    item = {"householdId": key, "kind": "RESIDENTIAL", "address": "福州市鼓楼区测试路2号",
            "district": "350102", "street": "测试街道",
            "person": {"idNumber": person, "name": "林某", "phone": "13900000000"}}  # fmt: skip
    return item | over


def cylinder(code: str, maker: str, **over: Any) -> dict[str, Any]:
    made = (HUB_CLOCK.today() - timedelta(days=400)).isoformat()
    item = {"code": code, "serialNo": "S" + code[-6:], "model": "YSP35.5", "madeOn": made,
            "maker": maker}  # fmt: skip
    return item | over


def product(code: str, **over: Any) -> dict[str, Any]:
    made = (HUB_CLOCK.today() - timedelta(days=1)).isoformat()
    item = {"traceCode": code, "name": "青菜", "category": "VEGETABLES", "origin": "闽侯",
            "producedOn": made, "quantityKg": 500.0}  # fmt: skip
    return item | over


def filling(cylinder_code: str, **over: Any) -> dict[str, Any]:
    item = {"eventId": new_key("F"), "cylinder": cylinder_code, "time": ago(minutes=30),
            "quantityKg": 14.9}  # fmt: skip
    return item | over


async def forget(graph: Graph, subject: str) -> None:
    """Deletes what `subject` recorded, and nothing else."""

    async def work(tx: Any) -> None:
        await (await tx.run("MATCH (n {recordedBy: $by}) DETACH DELETE n", by=subject)).consume()

    await graph.write(work)


__all__ = ["cypher"]
