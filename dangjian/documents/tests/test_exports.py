"""Excel exports read back with openpyxl; scope and masking; the background export job."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from urllib.parse import unquote

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from dangjian.documents import services
from dangjian.documents.models import ExportJob, ExportStatus
from dangjian.people.models import Person

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _rows(content: bytes, sheet: str | None = None):
    """The rows from the header on: row 1 is the printed title (document, org, date), alone in A1."""
    book = load_workbook(io.BytesIO(content))
    ws = book[sheet] if sheet else book.worksheets[0]
    rows = list(ws.iter_rows())
    assert rows[0][0].value and all(c.value is None for c in rows[0][1:]), "no title row"
    return rows[1:]


def _export(client, org, kind="roster", **extra):
    return client.post("/documents/export/", {"org": org.pk, "kind": kind, **extra})


def test_roster_reads_back_with_text_ids_escaping_and_masking(docs, client_as):
    client = client_as(docs.admin)
    response = _export(client, docs.town_a1)
    assert response.status_code == 200
    rows = _rows(response.content)
    header = [c.value for c in rows[0]]
    assert header[1:6] == ["姓名", "性别", "民族", "出生日期", "公民身份号码"] and header[-1] == "联系电话"
    by_name = {r[1].value: r for r in rows[1:]}
    expected = Person.objects.filter(
        org__path__startswith=docs.town_a1.path, reduction="", standing__in=["probationary", "full"]
    ).count()
    assert len(by_name) == len(rows) - 1 == expected
    doctor = docs.people["doctor"]
    id_cell, phone_cell = by_name["刘医生"][5], by_name["刘医生"][13]
    assert id_cell.data_type == "s" and id_cell.number_format == "@"
    assert id_cell.value == doctor.masked_id_number != doctor.id_number
    assert phone_cell.value == "138****5678"
    assert by_name["刘医生"][10].value == "中共预备党员"
    assert "钱护士" not in by_name  # another county

    full = _rows(_export(client, docs.town_a1, unmask="1").content)
    cell = next(r for r in full if r[1].value == "刘医生")[5]
    assert cell.value == doctor.id_number and cell.data_type == "s" and cell.number_format == "@"


POLITICAL_STATUS = {"中共党员", "中共预备党员", "共青团员", "群众"}  # GB/T 4762 names used here


def test_member_roster_lists_party_members_only(docs, client_as):
    rows = _rows(_export(client_as(docs.admin), docs.town_a1).content)
    header = [c.value for c in rows[0]]
    status = header.index("政治面貌")
    by_name = {r[1].value: r for r in rows[1:]}
    assert {"刘医生", "吴旧", "郑转正", "曾小芳", "欧阳修远"} <= set(by_name)
    for name in ("王一", "王二", "李积极", "陈发展", "周发展", "单明"):  # applicants, activist, candidates
        assert name not in by_name
    assert by_name["郑转正"][status].value == "中共党员" and by_name["吴旧"][status].value == "中共预备党员"
    assert {r[status].value for r in rows[1:]} <= {"中共党员", "中共预备党员"}
    assert by_name["郑转正"][header.index("转正日期")].value.date() == dt.date(2026, 4, 1)


def test_development_roster_lists_the_others_with_their_political_status(docs, client_as):
    client = client_as(docs.admin)
    response = _export(client, docs.town_a1, "roster_dev")
    assert response.status_code == 200
    assert "入党申请人、入党积极分子、发展对象名册" in unquote(response["Content-Disposition"])
    rows = _rows(response.content)
    header = [c.value for c in rows[0]]
    by_name = {r[1].value: {h: c.value for h, c in zip(header, r, strict=False)} for r in rows[1:]}
    assert set(by_name) == {"单明", "王一", "王二", "李积极", "陈发展", "周发展"}
    assert by_name["王一"]["政治面貌"] == "群众" and by_name["王一"]["发展阶段"] == "入党申请人"
    assert by_name["李积极"]["发展阶段"] == "入党积极分子"
    assert by_name["陈发展"]["发展阶段"] == "发展对象"
    assert by_name["陈发展"]["确定为发展对象日期"].date() == dt.date(2026, 3, 15)
    assert by_name["陈发展"]["工作单位及职务"] == '\'=HYPERLINK("x")'  # formula-like text escaped
    assert {p["政治面貌"] for p in by_name.values()} <= POLITICAL_STATUS
    assert not any(p["政治面貌"] == "入党申请人" for p in by_name.values())
    assert by_name["王一"]["公民身份号码"] == docs.people["app1"].masked_id_number


def test_roster_pages_show_members_and_the_others_apart(docs, client_as):
    client = client_as(docs.admin)
    index = client.get(f"/documents/?org={docs.town_a1.pk}").content.decode()
    assert "/documents/roster/members/" in index and 'value="roster_dev"' in index
    members = client.get(f"/documents/roster/members/?org={docs.town_a1.pk}")
    assert members.status_code == 200
    page = members.content.decode()
    assert "刘医生" in page and "中共预备党员" in page and "郑转正" in page
    assert "王一" not in page and "陈发展" not in page and "李积极" not in page
    assert docs.people["doctor"].id_number not in page  # masked on the page
    others = client.get(f"/documents/roster/development/?org={docs.town_a1.pk}").content.decode()
    assert "王一" in others and "陈发展" in others and "李积极" in others and "群众" in others
    assert "刘医生" not in others and "郑转正" not in others
    assert client.get(f"/documents/roster/nonsense/?org={docs.town_a1.pk}").status_code == 404
    assert (
        client_as(docs.secretary).get(f"/documents/roster/members/?org={docs.town_a1.pk}").status_code == 404
    )


def test_roster_scope(docs, client_as):
    assert _export(client_as(docs.outsider), docs.city).status_code == 404
    secretary = client_as(docs.secretary)
    assert _export(secretary, docs.town_a1).status_code == 404
    names = {r[1].value for r in _rows(_export(secretary, docs.branch_a1_1).content)[1:]}
    assert "刘医生" in names and "欧阳修远" not in names  # 欧阳修远 is in the town's second branch
    # a viewer may not see personal data: asking for it still gives masked numbers
    viewer = client_as(docs.viewer)
    rows = _rows(_export(viewer, docs.town_a1, unmask="1").content)
    cell = next(r for r in rows if r[1].value == "刘医生")[5]
    assert cell.value == docs.people["doctor"].masked_id_number


def test_statistics_and_due_list(docs, client_as, tmp_path):
    client = client_as(docs.admin)
    rows = _rows(_export(client, docs.city, "statistics").content, "按发展阶段")
    header = [c.value for c in rows[0]]
    assert header[0] == "党组织" and header[-1] == "合计"
    table = {r[0].value: [c.value for c in r[1:]] for r in rows[1:]}
    total = Person.objects.filter(reduction="").count()
    assert table["广安市委（合计）"][-1] == total
    assert set(table) >= {"甲县委", "乙县委"}
    assert table["甲县委"][-1] + table["乙县委"][-1] == total
    due = _export(client, docs.city, "due")
    assert due.status_code == 200 and _rows(due.content)[0][0].value == "期限"
    pdf = client.get(f"/documents/statistics.pdf?org={docs.city.pk}")
    assert pdf["Content-Type"] == "application/pdf"
    (tmp_path / "s.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True).stdout
    assert "广安市委党员和发展对象统计表" in text and "甲县委" in text
    assert client_as(docs.secretary).get(f"/documents/statistics.pdf?org={docs.city.pk}").status_code == 404


def test_large_export_runs_in_the_background_for_its_owner_only(
    docs, client_as, settings, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 3)
    client = client_as(docs.organizer)
    with django_capture_on_commit_callbacks(execute=True):
        response = _export(client, docs.town_a1, unmask="1")
    job = ExportJob.objects.get(kind="roster")
    assert response.status_code == 302 and response["Location"] == f"/documents/jobs/{job.pk}/"
    assert job.owner == docs.organizer and job.status == ExportStatus.DONE and job.unmask
    assert job.done == job.total > 3 and job.percent == 100
    page = client.get(f"/documents/jobs/{job.pk}/").content.decode()
    assert "100%" in page and f"/documents/jobs/{job.pk}/download/" in page and "hx-trigger" not in page
    download = client.get(f"/documents/jobs/{job.pk}/download/")
    assert download.status_code == 200
    rows = _rows(b"".join(download.streaming_content))
    assert len(rows) - 1 == job.total
    assert {r[10].value for r in rows[1:]} == {"中共党员", "中共预备党员"}  # members only
    assert (tmp_path / job.file.name).exists()
    # the others' roster in the background too, without a member
    with django_capture_on_commit_callbacks(execute=True):
        response = _export(client, docs.town_a1, "roster_dev")
    job = ExportJob.objects.get(kind="roster_dev")
    assert response.status_code == 302 and job.status == ExportStatus.DONE
    rows = _rows(b"".join(client.get(f"/documents/jobs/{job.pk}/download/").streaming_content))
    assert {r[1].value for r in rows[1:]} == {
        "单明",
        "王一",
        "王二",
        "李积极",
        "陈发展",
        "周发展",
    } and job.total == 6
    # nobody else sees the job or its file, not even an admin of the whole city
    for other in (docs.admin, docs.secretary, docs.outsider):
        c = client_as(other)
        assert c.get(f"/documents/jobs/{job.pk}/").status_code == 404
        assert c.get(f"/documents/jobs/{job.pk}/download/").status_code == 404


def test_job_in_progress_polls_and_shows_progress(docs, client_as, monkeypatch):
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 3)
    client = client_as(docs.admin)
    response = _export(client, docs.city)  # on_commit never fires in a test transaction: stays queued
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == ExportStatus.QUEUED
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, total=20, done=10)
    part = client.get(f"/documents/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in part and "50%" in part and "download" not in part
    assert client.get(f"/documents/jobs/{job.pk}/download/").status_code == 404


def test_job_refuses_an_owner_who_lost_the_org(docs, settings, tmp_path):
    from dangjian.accounts.models import RoleAssignment

    settings.MEDIA_ROOT = tmp_path
    job = ExportJob.objects.create(owner=docs.secretary, kind="roster", org=docs.branch_a1_1, total=10)
    RoleAssignment.objects.filter(user=docs.secretary).delete()
    docs.secretary._dangjian_roles = None
    services.export_run(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and "管理范围" in job.error and not job.file


def test_roster_command(docs, tmp_path, capsys):
    target = tmp_path / "r.xlsx"
    call_command("roster", "--org", "TOWN-A1", "--output", str(target), "--unmask")
    rows = _rows(target.read_bytes())
    cell = next(r for r in rows if r[1].value == "刘医生")[5]
    assert cell.value == docs.people["doctor"].id_number and cell.data_type == "s"
    assert "已导出" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="无权查看完整公民身份号码"):
        call_command("roster", "--org", "TOWN-A1", "--user", "viewer", "--unmask", "--output", str(target))
    call_command("roster", "--org", "TOWN-A1", "--output", str(target), "--kind", "roster_dev")
    assert "王一" in {r[1].value for r in _rows(target.read_bytes())}
    with pytest.raises(CommandError, match="不在用户"):
        call_command("roster", "--org", "CITY", "--user", "secretary", "--output", str(target))
