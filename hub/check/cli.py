"""`hub labels --codes FILE --out sheet.svg|pdf`: a printable sheet of QR labels, one per code in
FILE (one a line; blank lines and lines starting with # are skipped), each encoding the /check
URL of its code under the hub's issuer (or --base)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hub.check import labels
from hub.config import get_settings
from hub.errors import BadUserInput
from hub.resolvers.public import normalized_code


def read_codes(path: Path) -> tuple[list[str], list[str]]:
    """The codes of the file, and a reason for each line that cannot be a code."""
    codes, bad = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        try:
            codes.append(normalized_code(text, "code"))
        except BadUserInput as exc:
            bad.append(f"line {number}: {exc.message}")
    return codes, bad


def cmd_labels(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.suffix.lower() not in (".svg", ".pdf"):
        print("error: --out must end in .svg or .pdf", file=sys.stderr)
        return 2
    try:
        codes, bad = read_codes(args.codes)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.codes}: {exc}", file=sys.stderr)
        return 1
    if bad:
        print("error: not codes:\n  " + "\n  ".join(bad), file=sys.stderr)
        return 1
    if not codes:
        print(f"error: no code in {args.codes}", file=sys.stderr)
        return 1
    base = args.base or get_settings().hub_issuer
    if out.suffix.lower() == ".pdf":
        out.write_bytes(labels.sheet_pdf(base, codes))
    else:
        out.write_text(labels.sheet_svg(base, codes), encoding="utf-8")
    print(f"wrote {len(codes)} labels to {out}")
    return 0


def register_labels(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser("labels", help="a printable sheet of /check QR labels")
    cmd.add_argument("--codes", type=Path, required=True, help="a file of codes, one a line")
    cmd.add_argument("--out", type=Path, required=True, help="sheet.svg or sheet.pdf")
    cmd.add_argument("--base", help="the hub's public address (default: HUB_ISSUER)")
    cmd.set_defaults(func=cmd_labels)
