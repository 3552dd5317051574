"""QR labels: `GET /check/label/{code}.svg` (refused for a value that cannot be a code, limited
per address like every public call) and `hub labels` sheets. The label read back by the page's
own QR library is in tests/test_check_browser.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from hub.app import create_app
from hub.check import labels
from hub.cli import main
from hub.config import Settings


async def test_a_label_names_its_code_and_is_an_svg(client: httpx.AsyncClient) -> None:
    response = await client.get("/check/label/FZ0000000001.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.startswith("<svg")
    assert ">FZ0000000001</text>" in response.text
    assert "script" not in response.text


@pytest.mark.parametrize("bad", ["FZ%2F0001", "%E6%B0%94%E7%93%B6", "-FZ1", "x" * 65])
async def test_a_label_for_a_value_that_cannot_be_a_code_is_refused(
    client: httpx.AsyncClient, bad: str
) -> None:
    response = await client.get(f"/check/label/{bad}.svg")
    assert response.status_code in (400, 404)
    assert "<svg" not in response.text


@pytest.fixture
async def limited(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    tight = settings.model_copy(update={"hub_rate_limit_per_min": 1, "hub_rate_limit_burst": 2})
    transport = httpx.ASGITransport(app=create_app(tight))
    async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
        yield http


async def test_labels_are_rate_limited_per_address(limited: httpx.AsyncClient) -> None:
    statuses = [(await limited.get("/check/label/FZ1.svg")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_a_pdf_sheet_holds_sixteen_labels_a_page(tmp_path: Path) -> None:
    codes = [f"FZ{n:010d}" for n in range(1, 18)]
    (tmp_path / "codes.txt").write_text("# station 5\n" + "\n".join(codes) + "\n\n")
    out = tmp_path / "sheet.pdf"
    assert main(["labels", "--codes", str(tmp_path / "codes.txt"), "--out", str(out)]) == 0
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 2


def test_an_svg_sheet_has_a_label_per_code_pointing_to_check(tmp_path: Path) -> None:
    sheet = labels.sheet_svg("https://hub.example", ["FZ0000000001", "01260903100000000044"])
    assert sheet.count("<rect width=") == 2
    assert labels.check_url("https://hub.example", "FZ1") == "https://hub.example/check?code=FZ1"


def test_a_codes_file_with_a_line_that_cannot_be_a_code_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "codes.txt").write_text("FZ0000000001\nFZ 0000/0002\n")
    out = tmp_path / "sheet.svg"
    assert main(["labels", "--codes", str(tmp_path / "codes.txt"), "--out", str(out)]) == 1
    assert "line 2" in capsys.readouterr().err
    assert not out.exists()
