import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dangjian.development.models import Case
from dangjian.interchange.layout import RECORDS
from dangjian.interchange.tests.conftest import xlsx_bytes
from dangjian.interchange.tests.test_import import _counts, _sheets


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def _upload(client, sheets, **extra):
    file = SimpleUploadedFile("台账.xlsx", xlsx_bytes(sheets))
    return client.post(reverse("import"), {"file": file, **extra})


def test_import_page_checks_then_imports(client_as, world, media):
    client = client_as(world.organizer)
    page = client.get(reverse("import"))
    assert page.status_code == 200 and "下载空白模板" in page.content.decode()
    checked = _upload(client, _sheets(), mode="check")
    assert checked.status_code == 200 and "检查通过（未写入）" in checked.content.decode()
    assert Case.objects.count() == 0
    done = _upload(client, _sheets(), mode="import")
    assert done.status_code == 200 and "导入完成" in done.content.decode()
    assert Case.objects.filter(is_backfill=True).count() == 3


def test_a_bad_upload_lists_problems_and_offers_the_report(client_as, world, media):
    sheets = _sheets()
    sheets[RECORDS][1]["公民身份号码"] = 110101199003074514
    client = client_as(world.organizer)
    before = _counts()
    response = _upload(client, sheets, mode="import")
    assert response.status_code == 422 and _counts() == before
    html = response.content.decode()
    assert "数据库未作任何改动" in html and "数字单元格" in html
    token = response.context["report"]
    report = client.get(reverse("import-report", args=[token]))
    assert report.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(report.content)).get_sheet_by_name("导入问题").to_python()
    )
    assert any(r[0] == RECORDS and r[1] == 3 for r in rows[2:])
    other = client_as(world.secretary).get(reverse("import-report", args=[token]))
    assert other.status_code == 404


def test_unreadable_upload_gets_a_message(client_as, world, media):
    file = SimpleUploadedFile("台账.xlsx", b"garbage")
    response = client_as(world.organizer).post(reverse("import"), {"file": file, "mode": "import"})
    assert response.status_code == 400 and "不是有效的 Excel 工作簿" in response.content.decode()


def test_import_under_an_org_outside_scope_is_404(client_as, world, media):
    response = _upload(client_as(world.secretary), _sheets(), mode="import", org=world.county_b.pk)
    assert response.status_code == 404


def test_template_and_export_downloads(client_as, world, media):
    client = client_as(world.organizer)
    template = client.get(reverse("import-template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")
    _upload(client, _sheets(), mode="import")
    export = client.get(reverse("export", args=[world.town_a1.pk]) + "?unmask=1")
    assert export.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_name(RECORDS).to_python()
    assert len(rows) == 4 and all("*" not in r[1] for r in rows[1:])
    assert client_as(world.organizer).get(reverse("export", args=[world.county_b.pk])).status_code == 404
    assert (
        client_as(world.viewer).get(reverse("export", args=[world.county_a.pk]) + "?unmask=1").status_code
        == 404
    )
    masked = client_as(world.viewer).get(reverse("export", args=[world.county_a.pk]))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(masked.content)).get_sheet_by_name(RECORDS).to_python()
    assert len(rows) == 4 and all("*" in r[1] for r in rows[1:])


def test_import_and_export_commands(world, tmp_path, capsys):
    path = tmp_path / "台账.xlsx"
    sheets = _sheets()
    sheets[RECORDS][0]["谈话日期"] = "2019-02-30"
    path.write_bytes(xlsx_bytes(sheets))
    with pytest.raises(CommandError, match="数据库未作任何改动"):
        call_command("import", str(path), "--user", "organizer")
    assert (tmp_path / "台账-导入问题.xlsx").exists()
    assert "谈话日期" in capsys.readouterr().err
    path.write_bytes(xlsx_bytes(_sheets()))
    call_command("import", str(path), "--user", "organizer")
    assert "导入完成" in capsys.readouterr().out and Case.objects.count() == 3
    call_command("import", str(path))
    assert "发展纪实 0 份" in capsys.readouterr().out
    out = tmp_path / "导出.xlsx"
    call_command("export", "--org", "TOWN-A1", "--output", str(out), "--unmask")
    assert out.exists()
    call_command("import", str(out), "--dry-run")
    assert "未改动 3 行" in capsys.readouterr().out
    with pytest.raises(CommandError, match="不存在"):
        call_command("import", str(tmp_path / "none.xlsx"))
    with pytest.raises(CommandError, match="无权查看完整"):
        call_command("export", "--org", "CTY-A", "--user", "viewer", "--unmask", "--output", str(out))


def test_the_viewer_gets_no_import_page_nor_nav_entry(client_as, world, media):
    client = client_as(world.viewer)
    home = client.get(reverse("home")).content.decode()
    assert reverse("import") not in home
    page = client.get(reverse("import"))
    assert page.status_code == 403 and "不能导入" in page.content.decode()
    before = _counts()
    response = _upload(client, _sheets(), mode="import")
    assert response.status_code == 403 and "不能导入" in response.content.decode()
    assert _counts() == before
    assert reverse("import") in client_as(world.secretary).get(reverse("home")).content.decode()
