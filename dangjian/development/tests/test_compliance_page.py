"""The compliance page /development/compliance/: scope, filters, summaries, pagination, export."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from dangjian.base.idnumber import mask_id_number
from dangjian.conftest import make_person
from dangjian.development import views
from dangjian.development.services import cases_backfill

D = dt.date
URL = "/development/compliance/"
EXPORT = "/development/compliance/export/"


def _case(org, name, records):
    person = make_person(org, name=name, standing="applicant", applied_on=records[0][1])
    cases_backfill(actor=None, rows=[{"person": person, "records": [{"step": s, "on": on} for s, on in records]}],
                   source="测试")  # fmt: skip
    return person


@pytest.fixture
def findings(world, frozen_today, national_ruleset):
    """Late talk in BR-A1-1 (secretary's branch), short cultivation in BR-A1-2, late talk in BR-B-1."""
    return {
        "late": _case(world.branch_a1_1, "迟谈话", [(1, D(2023, 3, 1)), (2, D(2023, 5, 1))]),
        "short": _case(world.branch_a1_2, "培养短", [(1, D(2021, 1, 4)), (2, D(2021, 1, 20)), (3, D(2021, 3, 1)),
                                                     (4, D(2021, 3, 5)), (6, D(2021, 8, 1)), (7, D(2021, 9, 1))]),
        "other": _case(world.branch_b_1, "乙县人", [(1, D(2022, 3, 1)), (2, D(2022, 6, 1))]),
        "clean": _case(world.branch_a1_1, "按时谈", [(1, D(2023, 3, 1)), (2, D(2023, 3, 10))]),
    }  # fmt: skip


def rows(response) -> list[tuple[str, str]]:
    """(person name, rule) of the findings table."""
    return [(f.name, f.rule) for f in response.context["page"].object_list]


def test_the_page_opens_on_the_summary_and_the_findings_are_one_click_away(world, client_as, findings):
    response = client_as(world.admin).get(URL)
    assert response.status_code == 200 and response.context["view"] == "summary"
    assert response.context["page"] is None  # no findings table until asked for
    body = response.content.decode()
    assert 'id="compliance-table"' not in body and 'id="compliance-findings-link"' in body
    assert "查看问题清单（3 处）" in body and 'href="?view=findings"' in body
    assert 'href="?org=BR-A1-2&amp;view=findings"' in body  # an org's total drills down to its findings


def test_admin_sees_every_finding_with_summaries(world, client_as, findings):
    response = client_as(world.admin).get(URL, {"view": "findings"})
    assert response.status_code == 200
    assert sorted(rows(response)) == [("乙县人", "R-TALK"), ("培养短", "R-CULT"), ("迟谈话", "R-TALK")]
    result = response.context["result"]
    assert result.report.checked == 4 and result.people == 3
    assert [(c.key, c.violations, c.warnings) for c in result.by_rule] == [("R-TALK", 0, 2), ("R-CULT", 1, 0)]
    assert {(c.key, c.total) for c in result.by_org} == {("BR-A1-1", 1), ("BR-A1-2", 1), ("BR-B-1", 1)}
    body = response.content.decode()
    assert "按规则检查了 4 份发展纪实（规则集：national-2014），符合筛选条件的问题 3 处，涉及 3 人。" in body
    assert 'href="?view=findings&amp;rule=R-CULT"' in body and 'href="?view=findings&amp;org=BR-A1-2"' in body
    assert f'href="{EXPORT}?view=findings"' in body
    assert mask_id_number(findings["late"].id_number) in body and findings["late"].id_number not in body
    assert 'class="nav-link active" href="/development/compliance/"' in body


def test_secretary_sees_only_their_branch(world, client_as, findings):
    client = client_as(world.secretary)
    assert rows(client.get(URL, {"view": "findings"})) == [("迟谈话", "R-TALK")]
    for code in ("BR-B-1", "CTY-A", "BR-A1-2", "NOPE"):
        # The org picker refuses it with a Chinese error; the page shows the secretary's own scope.
        page = client.get(URL, {"org": code, "view": "findings"})
        assert page.status_code == 200 and page.context["org"] is None
        assert f"找不到“{code}”，或该党组织不在您的管理范围内" in page.content.decode()
        assert rows(page) == [("迟谈话", "R-TALK")]
        assert client.get(EXPORT, {"org": code}).status_code == 404


def test_organizer_sees_their_town(world, client_as, findings):
    client = client_as(world.organizer)
    assert sorted(rows(client.get(URL, {"view": "findings"}))) == [
        ("培养短", "R-CULT"),
        ("迟谈话", "R-TALK"),
    ]
    assert rows(client.get(URL, {"view": "findings", "org": "BR-A1-2"})) == [("培养短", "R-CULT")]
    assert "不在您的管理范围内" in client.get(URL, {"org": "CTY-B"}).content.decode()
    # The picker takes the label it fills in ("名称（代码）") and a name as well as a code.
    assert rows(client.get(URL, {"view": "findings", "org": "东城镇第二党支部（BR-A1-2）"})) == [
        ("培养短", "R-CULT")
    ]
    assert rows(client.get(URL, {"view": "findings", "org": "东城镇第二党支部"})) == [("培养短", "R-CULT")]


def test_viewer_may_view_with_masked_id_numbers(world, client_as, findings):
    client = client_as(world.viewer)
    response = client.get(URL, {"view": "findings"})
    assert sorted(rows(response)) == [("培养短", "R-CULT"), ("迟谈话", "R-TALK")]
    body = response.content.decode()
    for person in (findings["late"], findings["short"]):
        assert person.id_number not in body and mask_id_number(person.id_number) in body
    export = client.get(EXPORT)
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content))["问题清单"]
    assert sheet["A1"].value.startswith("合规检查报告")  # the printed title; the header in row 2
    ids = [row[3] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert sorted(ids) == sorted(mask_id_number(p.id_number) for p in (findings["late"], findings["short"]))


def test_outsider_gets_404(world, client_as, findings):
    client = client_as(world.outsider)
    assert client.get(URL).status_code == 404
    assert client.get(URL, {"org": "BR-A1-1"}).status_code == 404
    assert client.get(EXPORT).status_code == 404


def test_login_required(client, findings):
    assert client.get(URL).status_code == 302


def test_filters(world, client_as, findings):
    client = client_as(world.admin)
    assert sorted(rows(client.get(URL, {"view": "findings", "rule": "R-TALK"}))) == [
        ("乙县人", "R-TALK"),
        ("迟谈话", "R-TALK"),
    ]
    assert rows(client.get(URL, {"view": "findings", "severity": "violation"})) == [("培养短", "R-CULT")]
    assert rows(client.get(URL, {"view": "findings", "step": "7"})) == [("培养短", "R-CULT")]
    assert rows(client.get(URL, {"view": "findings", "step": "2", "org": "CTY-B"})) == [("乙县人", "R-TALK")]
    assert rows(client.get(URL, {"view": "findings", "q": "迟谈"})) == [("迟谈话", "R-TALK")]
    assert rows(client.get(URL, {"view": "findings", "q": findings["other"].id_number.lower()})) == [
        ("乙县人", "R-TALK")
    ]
    assert (
        rows(client.get(URL, {"view": "findings", "q": findings["other"].id_number[:10]})) == []
    )  # a full ID number, not a part
    assert rows(client.get(URL, {"view": "findings", "rule": "R-TALK", "severity": "violation"})) == []
    # Unknown values are ignored, not errors.
    assert (
        len(rows(client.get(URL, {"view": "findings", "rule": "R-NOPE", "severity": "x", "step": "99"}))) == 3
    )
    # The rule summary keeps counting the other rules while one is chosen, so one can switch.
    response = client.get(URL, {"rule": "R-CULT"})
    assert [(c.key, c.total) for c in response.context["result"].by_rule] == [("R-TALK", 2), ("R-CULT", 1)]
    assert [(c.key, c.total) for c in response.context["result"].by_org] == [("BR-A1-2", 1)]
    body = response.content.decode()
    assert 'href="?rule=R-TALK"' in body and 'href="?rule=R-CULT&amp;org=BR-A1-2"' in body


def test_pagination_keeps_the_filters(world, client_as, findings, monkeypatch):
    monkeypatch.setattr(views.checks, "COMPLIANCE_PAGE_SIZE", 2)
    client = client_as(world.admin)
    first = client.get(URL, {"severity": "warning"})
    assert len(rows(first)) == 2 and 'href="?severity=warning&amp;page=2"' not in first.content.decode()
    first = client.get(URL, {"view": "findings"})
    assert 'href="?view=findings&amp;page=2"' in first.content.decode()
    second = client.get(URL, {"view": "findings", "page": 2})
    assert len(rows(second)) == 1
    assert {*rows(first), *rows(second)} == {("乙县人", "R-TALK"), ("培养短", "R-CULT"), ("迟谈话", "R-TALK")}


def test_export_returns_the_filtered_findings(world, client_as, findings):
    response = client_as(world.admin).get(EXPORT, {"rule": "R-TALK", "page": "3"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (
        "attachment" in response["Content-Disposition"] and "20261120.xlsx" in response["Content-Disposition"]
    )
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["问题清单"]
    title, *data = list(sheet.iter_rows(values_only=True))
    assert title[0].startswith("合规检查报告") and not any(title[1:])
    assert data[0] == (
        "组织编码",
        "组织名称",
        "姓名",
        "公民身份号码",
        "规则",
        "步骤",
        "严重程度",
        "依据条款",
        "说明",
    )
    assert sorted((r[0], r[2], r[4], r[5], r[6]) for r in data[1:]) == [
        ("BR-A1-1", "迟谈话", "R-TALK", 2, "提醒"), ("BR-B-1", "乙县人", "R-TALK", 2, "提醒")]  # fmt: skip
    assert all(sheet.cell(row=i, column=4).data_type == "s" for i in range(3, len(data) + 2))
    summary = [row for row in book["汇总"].iter_rows(values_only=True)]
    assert ("R-TALK", "一个月内谈话", 0, 2, 2) in summary


def test_linked_from_the_board(world, client_as, findings):
    body = client_as(world.organizer).get(f"/development/org/{world.town_a1.pk}/").content.decode()
    assert f'href="/development/compliance/?org={world.town_a1.code}"' in body


def test_full_id_numbers_only_for_roles_that_may_see_them(world, client_as, findings):
    viewer = client_as(world.viewer)
    assert "compliance-export-unmasked" not in viewer.get(URL).content.decode()
    assert viewer.get(EXPORT, {"unmask": "1"}).status_code == 404
    secretary = client_as(world.secretary)
    assert 'href="/development/compliance/export/?unmask=1"' in secretary.get(URL).content.decode()
    response = secretary.get(EXPORT, {"unmask": "1"})
    cell = load_workbook(io.BytesIO(response.content))["问题清单"]["D3"]
    assert cell.value == findings["late"].id_number and cell.data_type == "s" and cell.number_format == "@"
