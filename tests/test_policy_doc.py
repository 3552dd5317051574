"""docs/access-policy.md is the policy the hub enforces: generated from it, and never stale."""

from __future__ import annotations

from hub.access.policy_doc import render
from hub.cli import POLICY_DOC
from hub.schema import schema
from hub.schema.permissions import root_access


def _doc() -> str:
    return render(root_access(schema))


def test_the_access_policy_document_is_generated_from_the_code() -> None:
    assert POLICY_DOC.read_text() == _doc(), "run `hub policy show --write`"


def test_the_document_shows_each_mask_to_the_roles_that_get_it() -> None:
    person = _doc().split("### Person", 1)[1].split("###", 1)[0]
    id_number = next(line for line in person.splitlines() if line.startswith("| idNumber |"))
    # market, housing, transport, police, emergency, enterprise, auditor, admin, public
    assert id_number.split(" | ")[1:5] == ["masked (id_number)"] * 3 + ["full"]
