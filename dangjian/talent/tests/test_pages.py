"""The pages and the API: scope (404 outside), rights (403), forms through the services, exports,
and a query budget on the lists."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from dangjian.talent.models import PoolEntry, PoolTask

from .conftest import register

pytestmark = pytest.mark.usefixtures("frozen")


def test_pool_page_lists_the_subtree_and_is_404_outside(world, client_as):
    register(world.branch_a1_1, name="甲")
    register(world.branch_a1_2, name="乙")
    page = client_as(world.organizer).get(f"/talent/org/{world.town_a1.pk}/").content.decode()
    assert "甲" in page and "乙" in page and 'id="register"' in page
    secretary = client_as(world.secretary)
    assert secretary.get(f"/talent/org/{world.town_a1.pk}/").status_code == 404
    assert secretary.get(f"/talent/org/{world.branch_a1_2.pk}/coverage/").status_code == 404
    assert secretary.get(f"/talent/org/{world.branch_a1_2.pk}/structure/").status_code == 404
    other = PoolEntry.objects.get(name="乙")
    assert secretary.get(f"/talent/{other.pk}/").status_code == 404
    assert client_as(world.outsider).get(f"/api/talent/orgs/{world.town_a1.pk}/coverage").status_code == 404
    assert client_as(world.viewer).get(f"/talent/org/{world.town_a1.pk}/new/").status_code == 403


def test_pool_list_query_budget(world, client_as, django_assert_max_num_queries):
    for i in range(30):
        register(world.branch_a1_2, name=f"甲{i}", person=None)
    client = client_as(world.organizer)
    client.get(f"/talent/org/{world.town_a1.pk}/")
    with django_assert_max_num_queries(14):
        response = client.get(f"/talent/org/{world.town_a1.pk}/?status=all")
    assert response.content.decode().count("data-entry=") == 30
    with django_assert_max_num_queries(14):
        client.get(f"/talent/org/{world.city.pk}/coverage/")
    with django_assert_max_num_queries(14):
        client.get(f"/talent/org/{world.city.pk}/structure/")


def test_register_through_the_form_by_id_number_or_by_name(world, client_as):
    client = client_as(world.secretary)
    url = f"/talent/org/{world.branch_a1_1.pk}/new/"
    member = world.people["in_branch"]
    data = {"source": "returned_migrant", "reserved_for": "secretary", "registered_on": "2026-03-01",
            "id_number": member.id_number}  # fmt: skip
    response = client.post(url, data)
    entry = PoolEntry.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/talent/{entry.pk}/"
    assert entry.person == member
    # someone outside her scope is not found (one message for unknown and not yours)
    response = client.post(url, {**data, "id_number": world.people["county_b"].id_number})
    assert "未找到该公民身份号码的人员档案" in response.content.decode()
    # without a file: the service's checks come back on the form, nothing is written
    response = client.post(
        url, {**data, "id_number": "", "name": "王五", "gender": "M", "birth_date": "2015-01-01"}
    )
    assert "入库时年龄应在18至70周岁之间。" in response.content.decode()
    assert PoolEntry.objects.count() == 1
    client.post(url, {**data, "id_number": "", "name": "王五", "gender": "M", "birth_date": "1990-01-01"})
    assert PoolEntry.objects.filter(name="王五", person=None).exists()


def test_entry_page_actions(world, client_as):
    entry = register(world.branch_a1_2)
    client = client_as(world.organizer)
    url = f"/talent/{entry.pk}/"
    assert 'id="review-form"' in client.get(url).content.decode()
    response = client.post(
        url, {"action": "task", "task-title": "组织志愿服务", "task-assigned_on": "2026-04-01"}
    )
    assert response.status_code == 302
    task = PoolTask.objects.get()
    response = client.post(
        url, {"action": "close", "task": task.pk, "close-outcome": "good", "close-closed_on": "2026-05-01"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.outcome == "good"
    response = client.post(
        url,
        {
            "action": "review",
            "review-year": "2026",
            "review-result": "removed",
            "review-reviewed_on": "2026-11-01",
        },
    )
    assert "调整出库须写明原因。" in response.content.decode()
    response = client.post(
        url,
        {"action": "review", "review-year": "2026", "review-result": "removed", "review-reviewed_on": "2026-11-01",
         "review-reason": "考察不合格"},
    )  # fmt: skip
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "removed"
    page = client_as(world.viewer).get(url).content.decode()
    assert 'id="review-form"' not in page and "考察不合格" in page
    assert client_as(world.viewer).post(url, {"action": "task"}).status_code == 403


def test_coverage_page_and_export(world, client_as):
    register(world.branch_a1_1, name="甲")
    register(world.branch_a1_1, name="乙")
    client = client_as(world.admin)
    page = client.get(f"/talent/org/{world.city.pk}/coverage/").content.decode()
    assert f'href="/talent/org/{world.branch_a1_2.pk}/"' in page  # drill-down to the village's pool
    assert 'id="below-count">1<' in page
    response = client.get(f"/talent/org/{world.city.pk}/coverage/export/?below=1")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("村（社区）后备力量达标情况")
    assert rows[2][1:] == ("东城镇第二党支部", "村", 2, 0, 2, "否") and len(rows) == 3
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert client.get(f"/talent/org/{world.city.pk}/coverage/?on=2026-13-01").status_code == 400


def test_api(world, client_as):
    client = client_as(world.organizer)
    base = f"/api/talent/orgs/{world.branch_a1_2.pk}"
    response = client.post(
        f"{base}/entries",
        {"name": "赵六", "gender": "F", "birth_date": "1994-02-03", "source": "graduate", "reserved_for": "committee",
         "registered_on": "2026-02-01"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201 and response.json()["source_label"] == "高校毕业生"
    response = client.post(
        f"{base}/entries",
        {"name": "赵七", "gender": "F", "birth_date": "1994-02-03", "source": "nope", "reserved_for": "committee",
         "registered_on": "2026-02-01"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422 and response.json()["errors"]["source"] == ["请选择有效的来源渠道。"]
    response = client.post(
        f"{base}/entries",
        {"person_id": world.people["county_b"].pk, "source": "graduate", "reserved_for": "committee",
         "registered_on": "2026-02-01"},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    assert [
        e["name"] for e in client.get(f"/api/talent/entries?org={world.branch_a1_2.pk}").json()["items"]
    ] == ["赵六"]
    coverage = client.get(f"/api/talent/orgs/{world.town_a1.pk}/coverage").json()
    assert {v["name"]: v["count"] for v in coverage["villages"]} == {
        "东城镇第一党支部": 0,
        "东城镇第二党支部": 1,
    }
    structure = client.get(f"/api/talent/orgs/{world.town_a1.pk}/structure").json()
    assert structure["total"] == 1 and structure["source"][0] == {
        "key": "graduate",
        "label": "高校毕业生",
        "count": 1,
    }
    assert client_as(world.viewer).post(
        f"{base}/entries", {"name": "x", "gender": "F", "birth_date": "1994-02-03", "source": "graduate",
                            "reserved_for": "committee", "registered_on": "2026-02-01"},
        content_type="application/json",
    ).status_code == 403  # fmt: skip
    secretary = client_as(world.secretary)
    assert [e["name"] for e in secretary.get("/api/talent/entries").json()["items"]] == []
    assert secretary.get(f"/api/talent/entries?org={world.branch_a1_2.pk}").status_code == 404


def test_booklet_export(world, client_as):
    register(world.branch_a1_2, name="甲", occupation="种养殖大户")
    register(world.branch_a1_2, person=world.people["other_branch"])
    response = client_as(world.organizer).get(f"/talent/org/{world.branch_a1_2.pk}/export/")
    book = load_workbook(io.BytesIO(response.content))
    roster = list(book["后备力量名册"].iter_rows(values_only=True))
    assert roster[0][0].startswith("后备力量名册") and [r[1] for r in roster[2:]] == ["甲", "欧阳修远"]
    assert roster[3][5] == "正式党员" and roster[2][5] == "群众"
    figures = {(r[0], r[1]): r[2] for r in book["结构分析"].iter_rows(min_row=3, values_only=True)}
    assert figures[("合计", "在库")] == 2 and figures[("职业", "种养殖大户")] == 1
    assert client_as(world.secretary).get(f"/talent/org/{world.branch_a1_2.pk}/export/").status_code == 404
