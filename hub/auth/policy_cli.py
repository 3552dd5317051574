# ruff: noqa: T201  (a command line prints)
"""`hub policy show [--write | --check]`: the access policy as a table, and its document."""

from __future__ import annotations

import argparse
import sys

from hub.config import PROJECT_ROOT

POLICY_DOC = PROJECT_ROOT / "docs" / "access-policy.md"


def cmd_policy(args: argparse.Namespace) -> int:
    from hub.auth.policy_doc import render
    from hub.schema import schema
    from hub.schema.permissions import root_access

    text = render(root_access(schema))
    name = "docs/" + POLICY_DOC.name
    if args.check:
        committed = POLICY_DOC.read_text() if POLICY_DOC.exists() else ""
        if committed != text:
            print(f"{name} is out of date: run `hub policy show --write`", file=sys.stderr)
            return 1
        print(f"{name} matches the policy")
    elif args.write:
        POLICY_DOC.parent.mkdir(exist_ok=True)
        POLICY_DOC.write_text(text)
        print(f"wrote {name}")
    else:
        print(text, end="")
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pol = sub.add_parser("policy", help="the access policy: role x type x field, scopes, grants")
    pol.add_argument("action", choices=["show"])
    pol.add_argument("--write", action="store_true", help="write docs/access-policy.md")
    pol.add_argument("--check", action="store_true", help="fail when that file is out of date")
    pol.set_defaults(func=cmd_policy)
