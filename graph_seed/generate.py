"""The whole synthetic Fuzhou as a stream of chunks: the parties first, then cylinders with their
histories, then food batches. Same scale, seed and as-of date: the same rows, byte for byte."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from graph_seed import cylinders, food, households, parties
from graph_seed.context import Ctx
from graph_seed.rows import Chunk, new_digest
from graph_seed.violations import Manifest
from graph_seed.world import DEFAULT_AS_OF, SCALES


@dataclass
class Generation:
    ctx: Ctx
    node_counts: dict[str, int]
    rel_counts: dict[str, int]  # "Start-TYPE->End" -> count

    @property
    def manifest(self) -> Manifest:
        return self.ctx.manifest

    def chunks(self) -> Iterator[tuple[str, int, Chunk]]:
        """Yields (part, chunks in that part, chunk) for every chunk once; afterwards the
        manifest holds totals, shares and the digest of every row."""
        ctx = self.ctx
        digest = new_digest()
        base = Chunk("parties")
        parties.gas_enterprises(ctx, base)
        parties.fleets(ctx, base)
        parties.traffic_incidents(ctx, base)
        households.households(ctx, base)
        households.restaurants(ctx, base)
        households.tips(ctx, base)
        households.fake_listings(ctx, base)
        parties.food_enterprises(ctx, base)
        n_cylinder_chunks = math.ceil(len(cylinders.slots(ctx)) / ctx.scale.chunk_cylinders)
        n_food_chunks = math.ceil(ctx.scale.products / food.PRODUCTS_PER_CHUNK)
        parts: list[tuple[str, int, Iterator[Chunk]]] = [
            ("parties", 1, iter([base])),
            ("cylinders", n_cylinder_chunks, cylinders.cylinder_chunks(ctx)),
            ("food", n_food_chunks, food.product_chunks(ctx)),
        ]
        for name, count, part in parts:
            for chunk in part:
                chunk.digest(digest)
                self._count(chunk)
                yield name, count, chunk
        ctx.manifest.totals = dict(self.node_counts)
        ctx.manifest.digest = digest.hexdigest()

    def _count(self, chunk: Chunk) -> None:
        for label, rows in chunk.nodes.items():
            self.node_counts[label] = self.node_counts.get(label, 0) + len(rows)
        for (start, rel_type, end), pairs in chunk.rels.items():
            key = f"{start}-{rel_type}->{end}"
            self.rel_counts[key] = self.rel_counts.get(key, 0) + len(pairs)


def generation(
    scale: str, seed: int, fraction: float = 1.0, as_of: date = DEFAULT_AS_OF
) -> Generation:
    spec = SCALES[scale].fraction(fraction)
    manifest = Manifest(spec.name, seed, as_of.isoformat())
    return Generation(Ctx(spec, seed, as_of, manifest), {}, {})


def run_dry(gen: Generation) -> Manifest:
    """Generates everything without loading it (for --check without a manifest, and tests)."""
    for _ in gen.chunks():
        pass
    return gen.manifest
