import datetime as dt

import pytest

from dangjian.audit.models import ChangeRecord
from dangjian.conftest import valid_id_number
from dangjian.development.models import Case, StepRecord
from dangjian.interchange.importer import ImportFailed, workbook_import
from dangjian.interchange.layout import MEMBERS, ORGS, RECORDS
from dangjian.interchange.tests.conftest import full_record, member_row, workbook
from dangjian.orgs.models import Org
from dangjian.people.models import Person


def _counts():
    return (Org.objects.count(), Person.objects.count(), Case.objects.count(), StepRecord.objects.count(),
            ChangeRecord.objects.count())  # fmt: skip


def _sheets():
    members = [member_row(n, "BR-NEW") for n in ("王建国", "刘红梅", "陈志强")]
    members[2]["党籍状态"] = "留党察看"
    ids = [m["公民身份号码"] for m in members]
    records = [
        full_record("周晓雯", "BR-NEW", ids[:1], ids[:2]),
        {"姓名": "吴强", "公民身份号码": valid_id_number(dt.date(1998, 1, 2)), "所在党组织编码": "BR-NEW",
         "人员类别": "企业职工", "递交入党申请书日期": "2025-03-01", "谈话日期": "2025-03-15",
         "确定入党积极分子日期": "2025-06-01", "培养联系人": ids[1], "指定培养联系人日期": "2025-06-05"},
        # Designated a candidate only 8 months after activist, sponsored by a member under 留党察看.
        full_record("郑敏", "BR-NEW", ids[:1], [ids[0], ids[2]], **{"确定发展对象日期": "2020-02-10",
                    "公民身份号码": valid_id_number(dt.date(1996, 8, 8), "F")}),
    ]  # fmt: skip
    orgs = [{"组织编码": "BR-NEW", "组织名称": "东城镇第三党支部", "上级组织编码": "TOWN-A1", "组织类别": "党支部",
             "审批权限": "否", "单位类型": "学校"}]  # fmt: skip
    return {ORGS: orgs, MEMBERS: members, RECORDS: records}


def test_import_creates_orgs_people_and_cases_checked_by_the_rules(world):
    result = workbook_import(actor=world.organizer, workbook=workbook(_sheets()))
    assert (result.orgs_created, result.people_created, result.cases_created) == (1, 6, 3)
    branch = Org.objects.get(code="BR-NEW")
    assert branch.path[:-4] == world.town_a1.path and branch.unit_type == "school"
    zhou = Person.objects.get(name="周晓雯")
    assert zhou.standing == "full" and zhou.converted_on == dt.date(2021, 9, 20) and zhou.org == branch
    assert zhou.category == "teacher"
    assert Person.objects.get(name="吴强").standing == "activist"
    assert Person.objects.get(name="陈志强").on_probation_watch
    case = zhou.case
    assert case.is_backfill and case.source == "补录：台账.xlsx" and case.created_by == world.organizer
    assert case.records.filter(step=6).count() == 2 and case.status == "archived"
    assert all(r.is_backfill and r.actor == world.organizer for r in case.records.all())
    approval = case.records.get(step=17)
    assert approval.org == world.town_a1
    assert case.blocking == 0
    zheng = Person.objects.get(name="郑敏").case
    rules = {f["rule"] for r in zheng.records.all() for f in r.findings}
    assert {"R-CULT", "R-SPONSOR"} <= rules
    assert result.findings >= 2


def test_importing_the_same_workbook_twice_changes_nothing(world):
    sheets = _sheets()
    workbook_import(actor=world.organizer, workbook=workbook(sheets))
    before = _counts()
    again = workbook_import(actor=world.organizer, workbook=workbook(sheets))
    assert not again.changed and again.unchanged == 3
    assert _counts() == before


def test_a_later_workbook_appends_the_steps_the_system_lacks(world):
    sheets = _sheets()
    workbook_import(actor=world.organizer, workbook=workbook(sheets))
    sheets[RECORDS][1]["培养考察日期"] = "2025-12-01"
    again = workbook_import(actor=world.organizer, workbook=workbook(sheets))
    assert again.steps_appended == 1
    assert Person.objects.get(name="吴强").case.records.filter(step=6).count() == 1


def test_a_changed_date_for_a_recorded_step_is_refused(world):
    sheets = _sheets()
    workbook_import(actor=world.organizer, workbook=workbook(sheets))
    sheets[RECORDS][1]["谈话日期"] = "2025-03-16"
    before = _counts()
    with pytest.raises(ImportFailed) as caught:
        workbook_import(actor=world.organizer, workbook=workbook(sheets))
    assert any("系统中已记录" in p.message and p.column == "谈话日期" for p in caught.value.problems)
    assert _counts() == before


def _problems(world, sheets, actor=None, **kwargs):
    before = _counts()
    with pytest.raises(ImportFailed) as caught:
        workbook_import(actor=actor or world.organizer, workbook=workbook(sheets, **kwargs))
    assert _counts() == before, "a failed import must change nothing"
    return [p for p in caught.value.problems if p.is_error]


def test_one_bad_row_stops_everything_and_names_sheet_row_column(world):
    sheets = _sheets()
    sheets[RECORDS][1]["谈话日期"] = "2025-02-30"
    problems = _problems(world, sheets)
    assert [(p.sheet, p.row, p.column) for p in problems] == [(RECORDS, 3, "谈话日期")]
    assert "不存在" in problems[0].message


@pytest.mark.parametrize(
    ("sheet", "index", "column", "value", "expected"),
    [
        (RECORDS, 0, "公民身份号码", 110101199003074514, "数字单元格"),
        (MEMBERS, 1, "公民身份号码", "11010119900307451X", "校验码"),
        (RECORDS, 0, "公民身份号码", "110101********4514", "隐去了部分号码"),
        (RECORDS, 0, "递交入党申请书日期", "2019.13.01", "不存在"),
        (RECORDS, 0, "谈话日期", "三月", "不是日期"),
        (RECORDS, 0, "谈话日期", 43500, "日期单元格是数字"),
        (RECORDS, 0, "所在党组织编码", "NOPE", "既不在“党组织”表中，也不在系统中"),
        (MEMBERS, 0, "所在党组织编码", "NOPE", "既不在“党组织”表中，也不在系统中"),
        (RECORDS, 0, "审批党组织编码", "NOPE", "既不在“党组织”表中，也不在系统中"),
        (RECORDS, 0, "审批党组织编码", "", "须填写审批党组织编码"),
        (RECORDS, 0, "培养联系人", "110101199003074514", "不在“党员名册”中"),
        (RECORDS, 0, "转正结论", "同意", "不是可选值"),
        (RECORDS, 0, "赞成票", "八", "不是整数"),
        (RECORDS, 0, "归档日期", "2030-01-01", "晚于今天"),
        (RECORDS, 0, "集中培训结束日期", None, "缺少“集中培训结束日期”"),
        (RECORDS, 0, "姓名", "", "请填写“姓名”"),
        (ORGS, 0, "组织类别", "党支部委员会", "不是可选值"),
        (ORGS, 0, "上级组织编码", "BR-A1-1", "党支部下只能设党小组"),
    ],
)
def test_bad_cells_get_a_clear_message(world, sheet, index, column, value, expected):
    sheets = _sheets()
    sheets[sheet][index][column] = value
    problems = _problems(world, sheets)
    assert any(expected in p.message for p in problems), [p.message for p in problems]
    assert all(p.sheet in (ORGS, MEMBERS, RECORDS) for p in problems)


def test_the_same_person_twice_and_a_name_that_differs_from_the_file(world):
    sheets = _sheets()
    sheets[RECORDS].append(dict(sheets[RECORDS][0], 姓名="周晓雯"))
    sheets[MEMBERS].append(member_row("张三", "BR-A1-1", id_number=world.people["in_branch"].id_number))
    problems = _problems(world, sheets)
    messages = [p.message for p in problems]
    assert "与第2行是同一人（公民身份号码相同）。" in messages
    assert any("在系统中属于“曾小芳”" in m for m in messages)


def test_missing_sheet_and_missing_required_column(world):
    sheets = _sheets()
    del sheets[MEMBERS]
    problems = _problems(world, sheets)
    assert any("缺少工作表“党员名册”" in p.message for p in problems)
    headers = {RECORDS: ["姓名", "所在党组织编码"]}
    problems = _problems(world, {ORGS: [], MEMBERS: [], RECORDS: [{"姓名": "甲", "所在党组织编码": "BR-A1-1"}]},
                         headers=headers)  # fmt: skip
    assert any(p.message == "缺少必填列“公民身份号码”。" for p in problems)


def test_unknown_columns_are_a_warning_not_an_error(world):
    sheets = _sheets()
    sheets[RECORDS][0]["联系电话"] = "13800000000"
    from dangjian.interchange.layout import COLUMNS

    headers = {name: [c.header for c in COLUMNS[name]] for name in (ORGS, MEMBERS, RECORDS)}
    headers[RECORDS].append("联系电话")
    sheets[RECORDS][0]["备注"] = "原台账第12页"
    result = workbook_import(actor=world.organizer, workbook=workbook(sheets, headers=headers))
    assert result.cases_created == 3
    assert any("不是标准列" in w.message for w in result.warnings)
    assert Person.objects.get(name="周晓雯").case.remarks == "原台账第12页；联系电话：13800000000"


def test_out_of_scope_rows_are_refused(world):
    sheets = _sheets()
    for row in sheets[RECORDS]:
        row["所在党组织编码"] = "BR-A1-2"
    problems = _problems(world, sheets, actor=world.secretary)
    assert any("不在您的管理范围内" in p.message for p in problems)
    assert any("您无权在“东城镇党委”下设立组织" in p.message for p in problems)


def test_an_anchor_outside_the_users_scope_is_refused(world):
    with pytest.raises(ImportFailed) as caught:
        workbook_import(actor=world.secretary, workbook=workbook(_sheets()), org=world.county_b)
    assert "无权" in caught.value.problems[0].message


def test_the_anchor_takes_the_roots_of_the_file(world):
    sheets = _sheets()
    sheets[ORGS][0]["上级组织编码"] = ""
    result = workbook_import(actor=world.organizer, workbook=workbook(sheets), org=world.town_a1)
    assert result.orgs_created == 1
    assert Org.objects.get(code="BR-NEW").path[:-4] == world.town_a1.path
    sheets[ORGS][0]["组织编码"] = "BR-NEW-2"
    for row in sheets[MEMBERS] + sheets[RECORDS]:
        row["所在党组织编码"] = "BR-NEW-2"
    problems = _problems(world, sheets, actor=world.root)
    assert any("只有系统管理员" in p.message for p in problems) is False  # root may create top-level orgs
    assert any("党支部、党小组必须隶属于上级党组织" in p.message for p in problems)


def test_dry_run_checks_without_writing(world):
    before = _counts()
    result = workbook_import(actor=world.organizer, workbook=workbook(_sheets()), dry_run=True)
    assert result.cases_created == 3 and result.dry_run
    assert _counts() == before
