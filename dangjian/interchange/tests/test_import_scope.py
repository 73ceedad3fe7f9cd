"""A 支部书记's import never names people or orgs outside her scope, in any problem message."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dangjian.development.models import Case
from dangjian.interchange.layout import MEMBERS, ORGS, RECORDS
from dangjian.interchange.tests.conftest import full_record, member_row, xlsx_bytes

# 李小艳 is in 乙县医院第一党支部 (BR-B-1) under 乙县医院党总支 and 乙县委: all outside the secretary.
HIDDEN = ("李小艳", "乙县医院", "乙县委")  # codes the user typed are echoed, names never


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path


def _sheets(world) -> dict:
    outsider = world.people["county_b"].id_number
    own = world.people["in_branch"].id_number
    orgs = [
        {"组织编码": "BR-B-1", "组织名称": "别的名字", "上级组织编码": "CITY", "组织类别": "党支部"},
        {"组织编码": "BR-X", "组织名称": "新支部", "上级组织编码": "GB-B-1", "组织类别": "党支部"},
    ]
    members = [
        member_row("王某", "BR-B-1", id_number=outsider),
        member_row("曾小芳", "BR-A1-1", id_number=own),
        member_row("赵某", "BR-B-1"),
    ]
    records = [
        full_record("周晓雯", "BR-A1-1", [outsider], [own, outsider], 审批党组织编码="CTY-B"),
        full_record("孙某", "BR-A1-1", [own], [own], 公民身份号码=outsider),
        full_record("钱某", "GB-B-1", [own], [own]),
    ]
    return {ORGS: orgs, MEMBERS: members, RECORDS: records}


def _report_text(client, token) -> str:
    data = client.get(reverse("import-report", args=[token])).content
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return "\n".join(str(cell) for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python()
                     for cell in row)  # fmt: skip


@pytest.mark.parametrize("mode", ["check", "import"])
def test_the_secretarys_import_reports_outsiders_anonymously(client_as, world, media, mode):
    client = client_as(world.secretary)
    file = SimpleUploadedFile("台账.xlsx", xlsx_bytes(_sheets(world)))
    response = client.post(reverse("import"), {"file": file, "mode": mode})
    assert response.status_code == 422
    html = response.content.decode()
    messages = [p.message for p in response.context["problems"]]
    assert sum("不在您的管理范围内" in m for m in messages) >= 6, messages
    report = _report_text(client, response.context["report"])
    for text in (html, report, "\n".join(messages)):
        for hidden in HIDDEN:
            assert hidden not in text, hidden
    assert Case.objects.count() == 0


def test_the_import_command_dry_run_names_no_outsider(world, tmp_path, capsys):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx_bytes(_sheets(world)))
    report = tmp_path / "问题.xlsx"
    with pytest.raises(CommandError) as caught:
        call_command("import", str(path), "--user", "secretary", "--dry-run", "--report", str(report))
    err = capsys.readouterr().err
    assert "不在您的管理范围内" in err
    book = CalamineWorkbook.from_filelike(io.BytesIO(report.read_bytes()))
    cells = " ".join(
        str(c) for n in book.sheet_names for r in book.get_sheet_by_name(n).to_python() for c in r
    )
    for hidden in HIDDEN:
        assert hidden not in err + str(caught.value) + cells, hidden


def test_the_organizer_still_sees_names_in_her_own_scope(world):
    from dangjian.interchange.importer import ImportFailed, workbook_import
    from dangjian.interchange.tests.conftest import workbook

    sheets = {ORGS: [], MEMBERS: [member_row("张三", "BR-A1-1", id_number=world.people["other_branch"].id_number)],
              RECORDS: []}  # fmt: skip
    with pytest.raises(ImportFailed) as caught:
        workbook_import(actor=world.organizer, workbook=workbook(sheets))
    assert any("在系统中属于“欧阳修远”" in p.message for p in caught.value.problems)
