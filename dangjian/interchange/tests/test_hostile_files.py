"""Hostile workbooks on the import page and the CLI: refused in Chinese before parsing, nothing
written, and the process that received them still alive."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from dangjian.base.tests import hostile
from dangjian.interchange.layout import COLUMNS, ORGS
from dangjian.interchange.tests.test_import import _counts


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def _post(client, name: str, data: bytes, mode: str = "check"):
    return client.post(reverse("import"), {"file": SimpleUploadedFile(name, data), "mode": mode})


def test_far_cell_workbook_refused_on_the_page(client_as, world, media):
    before = _counts()
    response = _post(client_as(world.organizer), "台账.xlsx", hostile.far_cell_xlsx(), mode="import")
    assert response.status_code == 400
    html = response.content.decode()
    assert "XFD1048576" in html and "200,000 行" in html
    assert _counts() == before


def test_csv_zip_bomb_refused_on_the_page(client_as, world, media):
    data = hostile.csv_zip_bomb(mb=16)
    response = _post(client_as(world.organizer), "台账.zip", data)
    assert response.status_code == 400 and "压缩比超过 100:1" in response.content.decode()


def test_formula_cells_refused_with_the_cell_named(client_as, world, media):
    headers = [c.header for c in COLUMNS[ORGS]]
    data = hostile.formula_xlsx(ORGS, [headers, ["X1", "某党委"]], "B2", '=HYPERLINK("http://x","点我")')
    response = _post(client_as(world.organizer), "台账.xlsx", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "公式单元格" in html and "B2" in html and "选择性粘贴为数值" in html


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("台账.xlsx", hostile.PDF, "PDF 文档"),
        ("台账.xls", hostile.PDF, "另存为"),
        ("党组织.csv", hostile.ELF, "不是文本"),
    ],
)
def test_wrong_content_refused(client_as, world, media, name, data, says):
    response = _post(client_as(world.organizer), name, data)
    assert response.status_code == 400 and says in response.content.decode()


def test_cli_refuses_the_far_cell_workbook(world, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(hostile.far_cell_xlsx())
    with pytest.raises(CommandError, match="XFD1048576"):
        call_command("import", str(path), "--dry-run")


def test_cli_process_survives_the_far_cell_workbook(tmp_path):
    """In a process of its own, as an operator would run it: an exit with a message, not an abort."""
    path = tmp_path / "台账.xlsx"
    path.write_bytes(hostile.far_cell_xlsx())
    env = {**os.environ, "DANGJIAN_VAR_DIR": str(tmp_path / "var")}
    subprocess.run([sys.executable, "-m", "dangjian.cli", "migrate", "-v0"], env=env, check=True, timeout=300)
    done = subprocess.run(
        [sys.executable, "-m", "dangjian.cli", "import", str(path), "--dry-run"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]
    assert "XFD1048576" in done.stderr and "memory allocation" not in done.stderr
