"""The generator's shared state: the seed, the as-of date, counters, and the parties that later
chunks refer to (stations and their fleets, households, food enterprises)."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from graph_seed.rows import Chunk
from graph_seed.violations import Manifest
from graph_seed.world import (
    DISTRICT_BY_CODE,
    GIVEN,
    OTHER_BIRTH_REGIONS,
    SURNAMES,
    Scale,
    recorded_at,
)
from hub.identifiers import USCC_ALPHABET, make_resident_id, make_uscc


@dataclass(frozen=True)
class Vehicle:
    plate: str
    permit_expiry: date
    driver: str
    escort: str


@dataclass
class Station:
    uscc: str
    district: str
    vehicles: list[Vehicle] = field(default_factory=list)
    fillers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Home:
    id: str
    district: str
    station: str  # the station it buys from (CUSTOMER_OF), which owns its cylinders
    registered: bool  # False: a planted household without real-name registration
    commercial: bool  # a restaurant's premises
    cylinders: int
    registered_on: date


@dataclass
class Ctx:
    scale: Scale
    seed: int
    as_of: date
    manifest: Manifest
    counters: dict[str, int] = field(default_factory=dict)
    usccs: set[str] = field(default_factory=set)
    id_numbers: set[str] = field(default_factory=set)
    plates: set[str] = field(default_factory=set)
    stations: list[Station] = field(default_factory=list)
    manufacturers: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    homes: list[Home] = field(default_factory=list)
    restaurants: list[str] = field(default_factory=list)
    platforms: list[str] = field(default_factory=list)  # DELIVERY_PLATFORM enterprises
    producers: list[str] = field(default_factory=list)
    markets: list[str] = field(default_factory=list)
    retailers: list[str] = field(
        default_factory=list
    )  # supermarkets, farmers' markets, restaurants

    @cached_property
    def pid_rng(self) -> random.Random:
        """The stream of people's surrogate ids, apart from the others so they stay as they were."""
        return self.rng("pid")

    def rng(self, part: str) -> random.Random:
        """An independent, reproducible stream per part of the world (str seeds hash stably)."""
        return random.Random(f"{self.seed}:{self.scale.name}:{part}")

    def plant(self, rng: random.Random, rate: float, kind: str) -> bool:
        """Whether to plant a violation of `kind` here: at `rate`, and always at the first
        chance, so that even the tiny scale holds one of each."""
        return rng.random() < rate or not self.manifest.planted[kind]

    def next_id(self, prefix: str, width: int = 9) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"{prefix}-{n:0{width}d}"

    def days_before(self, rng: random.Random, lo: int, hi: int) -> date:
        return self.as_of - timedelta(days=rng.randint(lo, hi))

    def new_uscc(self, rng: random.Random, district: str, entity: str = "91") -> str:
        while True:
            org = "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
            code = make_uscc(entity + district + org)
            if code not in self.usccs:
                self.usccs.add(code)
                return code

    def person(
        self,
        chunk: Chunk,
        rng: random.Random,
        district: str,
        qualifications: list[str] | None = None,
        employer: str | None = None,
    ) -> str:
        """A real-name person (adult), optionally employed by an enterprise; returns the id."""
        region = district if rng.random() < 0.8 else rng.choice(OTHER_BIRTH_REGIONS)
        while True:
            born = date(1946, 1, 1) + timedelta(days=rng.randint(0, 58 * 365))
            number = make_resident_id(region, born, rng.randint(0, 999))
            if number not in self.id_numbers:
                self.id_numbers.add(number)
                break
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        phone = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
        chunk.node(
            "Person",
            recorded_at(self.days_before(rng, 400, 3000)),
            idNumber=number,
            # The surrogate behind the person's global id: random, never derived from the number.
            pid=str(uuid.UUID(int=self.pid_rng.getrandbits(128), version=4)),
            name=name,
            phone=phone,
            qualifications=sorted(qualifications or []),
            verified=rng.random() < 0.97,
        )
        if employer is not None:
            chunk.rel("Person", "EMPLOYED_BY", "Enterprise", number, employer)
        return number

    def address(self, rng: random.Random, district: str) -> tuple[str, str]:
        """(full address, street) in a district."""
        d = DISTRICT_BY_CODE[district]
        street = rng.choice(d.streets)
        number, block, room = rng.randint(1, 399), rng.randint(1, 30), rng.randint(101, 2405)
        full = f"福州市{d.name}{street}{number}号{block}栋{room}室"
        return full, street
