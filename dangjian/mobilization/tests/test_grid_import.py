"""Grid coverage from a spreadsheet: all or nothing, row errors in Chinese, ID numbers as text."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from dangjian.audit.models import ChangeRecord
from dangjian.mobilization import gridfile, selectors, services
from dangjian.mobilization.models import GridNode

HEADER = ["小区", "楼栋", "单元", "负责人姓名", "公民身份号码", "联系电话"]


def _csv(rows: list[list[str]]) -> bytes:
    lines = [",".join(HEADER)] + [",".join(r) for r in rows]
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(world, campaign, data: bytes, name: str, *, actor=None, dry_run=False):
    actor = actor or world.secretary
    rows, problems = gridfile.parse(
        actor, campaign, gridfile.read_table(data, name), default_org=world.branch_a1_1
    )
    if problems:
        return None, [(p.row, p.column, p.message) for p in problems]
    try:
        return services.grid_import(actor=actor, campaign=campaign, rows=rows, dry_run=dry_run), []
    except services.GridImportError as exc:
        return None, exc.problems


def test_csv_import_builds_the_grid_and_the_report_lists_the_gaps(world, flood):
    member = world.people["in_branch"]
    data = _csv([
        ["阳光小区", "", "", "王建国", "", "13812345678"],
        ["阳光小区", "1栋", "", "", "", ""],
        ["阳光小区", "1栋", "1单元", "", member.id_number, ""],
        ["阳光小区", "1栋", "2单元", "", "", ""],
        ["阳光小区", "2栋", "1单元", "李小红", "", ""],
    ])  # fmt: skip
    result, problems = _import(world, flood, data, "grid.csv")
    assert problems == []
    assert (result.created, result.leads_set, result.unchanged) == (6, 3, 0)
    unit = GridNode.objects.get(key="阳光小区/1栋/1单元")
    assert unit.lead_person == member and unit.lead_name == member.name and unit.level == "unit"
    report = selectors.coverage(world.secretary, flood)
    assert [g["key"] for g in report.gaps] == ["阳光小区/1栋", "阳光小区/1栋/2单元", "阳光小区/2栋"]
    # Importing the same file again changes nothing.
    again, problems = _import(world, flood, data, "grid.csv")
    assert problems == [] and (again.created, again.leads_set, again.unchanged) == (0, 0, 5)


def test_numeric_id_cells_and_other_row_errors_refuse_the_whole_file(world, flood):
    member = world.people["in_branch"]
    records = ChangeRecord.objects.count()
    data = _xlsx([
        ["阳光小区", None, None, "王建国", None, "13812345678"],
        ["阳光小区", "1栋", "1单元", None, float(member.id_number[:17]), None],  # a number cell: digits lost
        ["阳光小区", None, "3单元", "张三", None, None],  # a unit without its building
        ["阳光小区", "2栋", None, "赵六", world.people["other_branch"].id_number, None],  # outside the branch
        ["阳光小区", "3栋", None, "李四", member.id_number, None],  # the file says another name
        ["阳光小区", "4栋", None, "王五", None, "12345"],
        ["阳光小区", None, None, "王建国", None, None],  # the compound twice
    ])  # fmt: skip
    result, problems = _import(world, flood, data, "grid.xlsx")
    assert result is None
    messages = {(row, column): message for row, column, message in problems}
    assert "数字格式" in messages[(3, "公民身份号码")]
    assert "在您的管理范围内没有该公民身份号码的人员档案" in messages[(5, "公民身份号码")]
    assert "与该公民身份号码的档案（曾小芳）不一致" in messages[(6, "负责人姓名")]
    assert "电话号码" in messages[(7, "联系电话")]
    assert GridNode.objects.count() == 0 and ChangeRecord.objects.count() == records
    # The rows the parser accepts still go through the service's checks.
    data = _csv([["阳光小区", "", "3单元", "张三", "", ""], ["阳光小区", "", "", "王建国", "", ""],
                 ["阳光小区", "", "", "王建国", "", ""]])  # fmt: skip
    result, problems = _import(world, flood, data, "grid.csv")
    assert result is None
    assert (2, "单元", "填写单元时须同时填写楼栋。") in problems
    assert any(row == 4 and "与第3行是同一小区" in message for row, _, message in problems)
    assert GridNode.objects.count() == 0


def test_dry_run_writes_nothing(world, flood):
    result, problems = _import(
        world, flood, _csv([["阳光小区", "1栋", "", "王建国", "", ""]]), "g.csv", dry_run=True
    )
    assert problems == [] and result.created == 2 and result.dry_run
    assert GridNode.objects.count() == 0


def test_registered_member_becomes_a_lead_through_the_import(world, epidemic):
    """A member of 乙县医院 registered (双报到) with 东城镇第一党支部 may be named by that branch."""
    import datetime as dt

    member = world.people["county_b"]
    services.registration_create(
        actor=world.admin, campaign=epidemic, person=member, community=world.branch_a1_1,
        registered_on=dt.date(2020, 2, 1),
    )  # fmt: skip
    _result, problems = _import(
        world, epidemic, _csv([["阳光小区", "5栋", "", "", member.id_number, ""]]), "g.csv"
    )
    assert problems == []
    node = GridNode.objects.get(key="阳光小区/5栋")
    assert node.lead_person == member and node.registration.person == member
    assert selectors.placements([node.registration_id])[node.registration_id] == ["阳光小区/5栋（楼栋长）"]


def test_unreadable_files_and_missing_headers(world, flood):
    with pytest.raises(gridfile.UnreadableGrid, match="只能导入"):
        gridfile.read_table(b"x", "grid.txt")
    with pytest.raises(gridfile.UnreadableGrid, match="不是有效的 Excel"):
        gridfile.read_table(b"not a workbook", "grid.xlsx")
    with pytest.raises(gridfile.UnreadableGrid, match="UTF-8"):
        gridfile.read_table("小区\n阳光".encode("gbk"), "grid.csv")
    rows, problems = gridfile.parse(world.secretary, flood, [["楼号", "负责人"]], default_org=None)
    assert rows == [] and {p.message for p in problems} >= {
        "缺少必填列“小区”。",
        "缺少“包保党组织代码”列，且没有选择包保党组织。",
    }


def test_command_and_page(world, flood, client_as, tmp_path, capsys):
    path = tmp_path / "grid.csv"
    path.write_bytes(_csv([["阳光小区", "1栋", "1单元", "王建国", "", ""]]))
    call_command("campaign", "grid-import", flood.code, str(path), "--user", "secretary", "--org", "BR-A1-1")
    assert "新增网格3个，确定负责人1名" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([["", "1栋", "", "", "", ""]]))
    with pytest.raises(CommandError, match="发现1个问题"):
        call_command(
            "campaign", "grid-import", flood.code, str(bad), "--user", "secretary", "--org", "BR-A1-1"
        )
    client = client_as(world.secretary)
    upload = SimpleUploadedFile(
        "grid.csv", _csv([["月亮小区", "1栋", "", "", "12345", ""]]), content_type="text/csv"
    )
    body = client.post(
        f"/mobilization/{flood.pk}/grid/import/", {"file": upload, "org_code": "BR-A1-1"}
    ).content.decode()
    assert 'id="import-problems"' in body and "公民身份号码应为18位" in body
    assert not GridNode.objects.filter(key__startswith="月亮小区").exists()
    upload = SimpleUploadedFile(
        "grid.csv", _csv([["月亮小区", "1栋", "", "", "", ""]]), content_type="text/csv"
    )
    response = client.post(f"/mobilization/{flood.pk}/grid/import/", {"file": upload, "org_code": "BR-A1-1"})
    assert response.status_code == 302 and GridNode.objects.filter(key="月亮小区/1栋").exists()
    template = client.get(f"/mobilization/{flood.pk}/grid/template/")
    table = gridfile.read_table(template.content, "t.xlsx")
    assert table[0][:3] == ["小区", "楼栋", "单元"]


# ---- hostile files (hardening) ------------------------------------------------------------------


def test_hostile_grid_files_refused_before_parsing(world, flood, client_as, tmp_path):
    from dangjian.base.tests import hostile

    with pytest.raises(gridfile.UnreadableGrid, match="XFD1048576"):
        gridfile.read_table(hostile.far_cell_xlsx(sheet="网格"), "grid.xlsx")
    with pytest.raises(gridfile.UnreadableGrid, match="“网格”C3"):
        gridfile.read_table(hostile.formula_xlsx("网格", [["小区"], ["阳光"]], "C3"), "grid.xlsx")
    with pytest.raises(gridfile.UnreadableGrid, match="可执行程序"):
        gridfile.read_table(hostile.ELF, "grid.csv")
    with pytest.raises(gridfile.UnreadableGrid, match="20,000 行"):
        gridfile.read_table(("小区\n" + "阳光\n" * 20_001).encode(), "grid.csv")
    client = client_as(world.secretary)
    upload = SimpleUploadedFile("grid.xlsx", hostile.far_cell_xlsx(sheet="网格"))
    response = client.post(f"/mobilization/{flood.pk}/grid/import/", {"file": upload, "org_code": "BR-A1-1"})
    assert response.status_code in (200, 400) and "XFD1048576" in response.content.decode()
    assert not GridNode.objects.exists()
    path = tmp_path / "grid.xlsx"
    path.write_bytes(hostile.far_cell_xlsx(sheet="网格"))
    with pytest.raises(CommandError, match="XFD1048576"):
        call_command(
            "campaign", "grid-import", flood.code, str(path), "--user", "secretary", "--org", "BR-A1-1"
        )
