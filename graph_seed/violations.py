"""Planted violations: the known, small share of rule breaking that investigators and the alert
rules must find, and the manifest that lists each one exactly."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Rates (settings, not facts). Each is the chance that one eligible record breaks its rule.
FOREIGN_FILLING_RATE = 0.004  # a filling at a station that does not own the cylinder
OVERDUE_FILLING_RATE = 0.15  # of cylinders that went overdue: one filling after the due date
EXPIRED_PERMIT_RATE = 0.004  # a delivery by a vehicle whose dangerous-goods permit had expired
UNREGISTERED_RATE = 0.006  # a residential household with no real-name registration
FAILED_SHIPPED_RATE = 0.25  # of batches that failed their test: shipped all the same
OVERDUE_CYLINDER_RATE = 0.03  # household cylinders whose periodic inspection was skipped
SEIZED_RATE = 0.002
FAIL_TEST_RATE = 0.02
EXPIRED_VEHICLE_RATE = 0.08  # vehicles whose permit lapsed during the event window

# kind -> (the label whose keys are listed, what the share is measured against)
KINDS: dict[str, tuple[str, str]] = {
    "foreign_filling": ("Filling", "Filling"),
    "overdue_filling": ("Filling", "Filling"),
    "expired_permit_delivery": ("Delivery", "Delivery"),
    "unregistered_household_delivery": ("Delivery", "Delivery"),
    "failed_batch_shipped": ("Shipment", "Shipment"),
}


@dataclass
class Manifest:
    scale: str
    seed: int
    as_of: str
    planted: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in KINDS})
    totals: dict[str, int] = field(default_factory=dict)  # label -> generated node count
    digest: str = ""

    def plant(self, kind: str, key: str) -> None:
        self.planted[kind].append(key)

    def share(self, kind: str) -> float:
        total = self.totals.get(KINDS[kind][1], 0)
        return len(self.planted[kind]) / total if total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "seed": self.seed,
            "asOf": self.as_of,
            "digest": self.digest,
            "totals": dict(sorted(self.totals.items())),
            "violations": {
                kind: {
                    "label": KINDS[kind][0],
                    "count": len(keys),
                    "share": round(self.share(kind), 6),
                    "of": KINDS[kind][1],
                    "keys": sorted(keys),
                }
                for kind, keys in self.planted.items()
            },
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=1) + "\n")


def manifest_path(state_dir: Path, scale: str, seed: int) -> Path:
    return state_dir / "seed" / f"manifest-{scale}-{seed}.json"


def read_planted(path: Path) -> dict[str, set[str]]:
    data = json.loads(path.read_text())
    return {kind: set(v["keys"]) for kind, v in data["violations"].items()}
