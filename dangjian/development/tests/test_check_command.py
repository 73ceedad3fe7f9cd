import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from dangjian.base.idnumber import mask_id_number
from dangjian.conftest import make_person
from dangjian.development.rulesets import ruleset_create
from dangjian.development.services import case_open, step_record

D = dt.date
FINDING_KEYS = ["id_number", "name", "org_code", "rule", "step", "severity", "article", "message"]
SHEET_HEADERS = [
    "组织编码",
    "组织名称",
    "姓名",
    "公民身份号码",
    "规则",
    "步骤",
    "严重程度",
    "依据条款",
    "说明",
]


@pytest.fixture
def cases(world, frozen_today, national_ruleset):
    late = make_person(world.branch_a1_1, name="迟谈话", standing="applicant", applied_on=D(2023, 3, 1))
    case = case_open(actor=world.secretary, person=late)
    step_record(actor=world.secretary, case=case, step=1, on=D(2023, 3, 1))
    step_record(
        actor=world.secretary, case=case, step=2, on=D(2023, 5, 1), acknowledge=["R-TALK"], note="外出"
    )
    other = make_person(world.branch_b_1, name="按时谈", standing="applicant", applied_on=D(2023, 3, 1))
    clean = case_open(actor=world.admin, person=other)
    step_record(actor=world.admin, case=clean, step=1, on=D(2023, 3, 1))
    return case, clean


def run(capsys, *args):
    call_command("check", *args)
    return capsys.readouterr().out


def test_json_report_has_the_interchange_shape(cases, capsys):
    case, _ = cases
    raw = run(capsys)
    report = json.loads(raw)
    assert list(report) == ["ruleset", "checked", "findings"]  # exactly these keys, in this order
    assert report["ruleset"] == "national-2014" and report["checked"] == 2
    [finding] = report["findings"]
    assert list(finding) == FINDING_KEYS
    assert finding == {
        "id_number": mask_id_number(case.person.id_number), "name": "迟谈话", "org_code": "BR-A1-1",
        "rule": "R-TALK", "step": 2, "severity": "warning", "article": "细则第七条",
        "message": "收到入党申请书（2023-03-01）后应在1个月内派人谈话，实际谈话日期为2023-05-01，最迟应为2023-04-01。",
    }  # fmt: skip
    assert isinstance(finding["step"], int)
    unmasked = json.loads(run(capsys, "--unmask"))["findings"][0]["id_number"]
    assert unmasked == case.person.id_number


def test_org_user_and_ruleset_options(cases, capsys, world):
    assert json.loads(run(capsys, "--org", "CTY-B"))["checked"] == 1
    assert json.loads(run(capsys, "--user", "secretary"))["checked"] == 1
    assert json.loads(run(capsys, "--user", "outsider")) == {
        "ruleset": "in-force",
        "checked": 0,
        "findings": [],
    }
    assert json.loads(run(capsys, "--ruleset", "national-2014"))["ruleset"] == "national-2014"
    text = run(capsys, "--format", "text")
    assert "检查 2 份发展纪实，发现 1 处问题" in text and "[BR-A1-1]" in text
    assert "迟谈话" in text and "R-TALK 第2步 提醒" in text and "（细则第七条）" in text


def test_output_file_for_json_and_text(cases, capsys, tmp_path):
    target = tmp_path / "report.json"
    assert run(capsys, "--output", str(target)).strip() == str(target)
    assert json.loads(target.read_text(encoding="utf-8"))["checked"] == 2


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_xlsx_report_reads_back_with_text_id_numbers(cases, capsys, tmp_path, monkeypatch):
    case, _ = cases
    monkeypatch.chdir(tmp_path)
    printed = run(capsys, "--format", "xlsx").strip()
    expected = tmp_path / "合规检查报告-20261120.xlsx"  # today is frozen at 2026-11-20
    assert printed == str(expected) and expected.exists()
    book = load_workbook(expected)
    assert book.sheetnames == ["问题清单", "汇总"]
    sheet = book["问题清单"]
    title, *rows = _rows(sheet)
    assert title[0].startswith("合规检查报告") and not any(title[1:])  # printed on every page
    assert rows[0] == SHEET_HEADERS
    assert rows[1][:8] == ["BR-A1-1", "东城镇第一党支部", "迟谈话", mask_id_number(case.person.id_number), "R-TALK", 2,
                           "提醒", "细则第七条"]  # fmt: skip
    assert rows[1][8].startswith("收到入党申请书（2023-03-01）")
    id_cell = sheet["D3"]
    assert id_cell.data_type == "s" and id_cell.number_format == "@"
    summary = _rows(book["汇总"])
    assert summary[0][0].startswith("合规检查报告（汇总）") and not any(summary[0][1:])  # printed title
    assert [r[:2] for r in summary[1:5]] == [
        ["规则集", "national-2014"],
        ["检查发展纪实（份）", 2],
        ["发现问题（处）", 1],
        ["涉及人员（人）", 1],
    ]
    assert ["R-TALK", "一个月内谈话", 0, 1, 1] in summary
    assert ["BR-A1-1", "东城镇第一党支部", 0, 1, 1] in summary

    unmasked = tmp_path / "full.xlsx"
    run(capsys, "--format", "xlsx", "--unmask", "--output", str(unmasked))
    cell = load_workbook(unmasked)["问题清单"]["D3"]
    assert cell.value == case.person.id_number and cell.data_type == "s" and cell.number_format == "@"


def test_xlsx_escapes_formula_like_text(cases, capsys, tmp_path, world):
    """A local rule set may cite any article text: one starting with "=" must stay text."""
    ruleset_create(
        actor=world.admin, code="evil", name="本地", org=world.town_a1, effective_from=D(2020, 1, 1),
        overrides={"R-TALK": {"article": '=HYPERLINK("http://example.com","点此")'}},
    )  # fmt: skip
    target = tmp_path / "r.xlsx"
    run(capsys, "--format", "xlsx", "--output", str(target))
    cell = load_workbook(target)["问题清单"]["H3"]
    assert cell.value == '\'=HYPERLINK("http://example.com","点此")' and cell.data_type == "s"
    # JSON keeps the text as it is: escaping is for spreadsheets only.
    assert json.loads(run(capsys))["findings"][0]["article"].startswith("=HYPERLINK")


def test_unwritable_output_is_refused_in_chinese(cases, tmp_path):
    with pytest.raises(CommandError, match="无法写入"):
        call_command("check", "--format", "xlsx", "--output", str(tmp_path / "no" / "such" / "dir.xlsx"))


@pytest.mark.parametrize(("args", "message"), [
    (("--org", "NOPE"), "组织代码“NOPE”不存在"), (("--ruleset", "nope"), "规则集“nope”不存在"),
    (("--user", "ghost"), "用户“ghost”不存在"),
])  # fmt: skip
def test_bad_options_are_refused_in_chinese(cases, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("check", *args)
