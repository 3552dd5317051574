"""The verifier: walks a chain in seq order, recomputes every hash, checks the links, the head
and the signed heads, and names the first broken entry.

What each tampering looks like:
- an entry edited: its recomputed hash differs -> "hash mismatch at seq N";
- an entry deleted: the seqs jump -> "seq N is missing";
- two entries swapped (their seqs exchanged): the first no longer follows its predecessor ->
  "prev-hash mismatch at seq N";
- the tail cut: the head (or, if the head was rewound too, a signed head) names a seq past the
  end -> "the chain ends at seq K but ... says seq M"; the first broken entry is K + 1.
A tail cut after the last signature *and* a rewound head leave nothing in the store to contradict
them; keep the printed last signed head outside the store and pass it back with `--anchor`.

A read is recorded as an intent and, after its answer, an outcome naming the intent's seq. An
intent with no outcome after `UNFINISHED_AFTER_S` is a read that was answered (or was about to
be) when the hub stopped or could not write the outcome: the chain still holds, and the report
names those intents as `unfinished`. An outcome that names no open intent breaks the chain.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from hub.audit import repo
from hub.audit.entry import GENESIS, Entry, Phase
from hub.audit.signing import head_message, signature_valid, verification_keys
from hub.clock import stamp
from hub.config import Settings
from hub.graph.driver import Graph

PAGE = 5000
# An intent younger than this may belong to a read still being answered (the request's and the
# audit's deadlines are seconds).
UNFINISHED_AFTER_S = 60


@dataclass
class Report:
    chain: str
    ok: bool = True
    entries: int = 0
    head_seq: int = 0
    signatures: int = 0
    last_signed: dict[str, Any] | None = None
    first_broken_seq: int | None = None
    problem: str | None = None
    unfinished: list[int] = field(default_factory=list)  # intents whose outcome never came

    def broken(self, seq: int, problem: str) -> None:
        if self.ok or (self.first_broken_seq is not None and seq < self.first_broken_seq):
            self.ok, self.first_broken_seq, self.problem = False, seq, problem

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def summary(self) -> str:
        if self.ok:
            signed = self.last_signed["seq"] if self.last_signed else "none"
            line = (
                f"audit chain {self.chain!r}: OK, {self.entries} entries, "
                f"{self.signatures} signed heads verified (last signed seq {signed})"
            )
            if self.unfinished:
                seqs = ", ".join(str(s) for s in self.unfinished[:20])
                line += (
                    f"; {len(self.unfinished)} reads without an outcome (intents at seq {seqs}):"
                    " the hub stopped, or could not write, between answering and recording what"
                    " it answered"
                )
            return line
        return f"audit chain {self.chain!r}: BROKEN at seq {self.first_broken_seq}: {self.problem}"


async def verify_chain(
    graph: Graph, settings: Settings, chain: str, anchor: tuple[int, str] | None = None
) -> Report:
    report = Report(chain)
    keys = verification_keys(settings)
    # Signatures first, then the head: every honest signature is then at or below the head.
    signatures = await graph.read(repo.signatures_up_to, chain, None)
    head = await graph.read(repo.read_head, chain)
    head_seq = head.seq if head else 0
    report.head_seq = head_seq
    signed_at = {int(s["seq"]): s for s in signatures}
    anchors = {anchor[0]: anchor[1]} if anchor else {}

    expected, prev, last_hash = 1, GENESIS, GENESIS
    intents: dict[int, str] = {}  # open intents: seq -> time
    while expected <= head_seq and report.ok:
        page = await graph.read(repo.entries_between, chain, expected, head_seq, PAGE)
        if not page:
            break
        for entry in page:
            if entry.seq != expected:
                report.broken(expected, f"seq {expected} is missing: after seq {expected - 1} "
                                        f"the chain goes on at seq {entry.seq}")  # fmt: skip
                break
            if entry.prevHash != prev:
                report.broken(entry.seq, f"prev-hash mismatch at seq {entry.seq}: it does not "
                                         f"follow seq {entry.seq - 1}")  # fmt: skip
                break
            if entry.recomputed_hash() != entry.hash:
                report.broken(entry.seq, f"hash mismatch at seq {entry.seq}: the entry was changed")
                break
            if entry.seq in anchors and anchors[entry.seq] != entry.hash:
                report.broken(entry.seq, f"seq {entry.seq} differs from the anchor kept outside")
                break
            signature = signed_at.get(entry.seq)
            if signature is not None and not _signature_holds(signature, entry.hash, keys):
                report.broken(entry.seq, f"the signed head at seq {entry.seq} does not verify")
                break
            if not _pairs(entry, intents):
                report.broken(entry.seq, f"seq {entry.seq} is the outcome of seq "
                                         f"{entry.intentSeq}, which is no open intent")  # fmt: skip
                break
            report.entries += 1
            prev = last_hash = entry.hash
            expected += 1
    if report.ok:
        _check_end(report, head, head_seq, expected - 1, last_hash, signatures, anchors)
        cutoff = stamp(graph.clock.now() - timedelta(seconds=UNFINISHED_AFTER_S))
        report.unfinished = sorted(seq for seq, time in intents.items() if time < cutoff)
    good = [s for s in signatures if int(s["seq"]) <= expected - 1]
    report.signatures = len(good) if report.ok else 0
    if good:
        last = good[-1]
        report.last_signed = {k: last[k] for k in ("seq", "hash", "time", "keyId", "signature")}
    return report


def _pairs(entry: Entry, intents: dict[int, str]) -> bool:
    """Open an intent, or close the one an outcome names; False for an outcome of none."""
    if entry.phase == Phase.INTENT:
        intents[entry.seq] = entry.time
    elif entry.phase == Phase.OUTCOME:
        return intents.pop(entry.intentSeq or 0, None) is not None
    return True


def _check_end(
    report: Report,
    head: repo.Head | None,
    head_seq: int,
    end: int,
    last_hash: str,
    signatures: list[dict[str, Any]],
    anchors: dict[int, str],
) -> None:
    if head is not None and end < head_seq:
        report.broken(end + 1, f"the chain ends at seq {end} but the head says seq {head_seq}")
    elif head is not None and head.hash != last_hash:
        report.broken(end, f"the head's hash does not match seq {end}")
    beyond = [int(s["seq"]) for s in signatures if int(s["seq"]) > end]
    if beyond:
        report.broken(end + 1, f"the chain ends at seq {end} but a signed head says seq "
                               f"{max(beyond)}")  # fmt: skip
    for seq in anchors:
        if seq > end:
            report.broken(end + 1, f"the chain ends at seq {end} but the anchor says seq {seq}")


def _signature_holds(signature: dict[str, Any], entry_hash: str, keys: dict[str, Any]) -> bool:
    public = keys.get(str(signature.get("keyId")))
    if public is None or signature.get("hash") != entry_hash:
        return False
    message = head_message(
        str(signature["chain"]), int(signature["seq"]), entry_hash, str(signature["time"])
    )
    return signature_valid(public, message, str(signature.get("signature", "")))
