"""The 发展党员 board: filters by stage, org and what is due; paging; a bounded number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangjian.conftest import make_person
from dangjian.development import board as reads
from dangjian.development.models import Case, DueItem, DueKind, DueStatus
from dangjian.development.services import case_open

D = dt.date
TODAY = D(2026, 11, 20)  # a Friday (conftest.TODAY): this week ends on Sunday the 22nd


@pytest.fixture(autouse=True)
def _frozen(frozen_today):
    yield


def _cn(i: int) -> str:  # names take no digits
    return "".join("零一二三四五六七八九"[int(d)] for d in str(i))


def _case(org, name, stage, *due):
    person = make_person(org, name=name, standing="applicant", applied_on=D(2026, 1, 5))
    case = case_open(actor=None, person=person)
    Case.objects.filter(pk=case.pk).update(stage=stage)
    for day, status in due:
        DueItem.objects.create(org=org, case=case, kind=DueKind.TALK, status=status, due_on=day, message=name)
    return case


@pytest.fixture
def cases(world):
    DueItem.objects.all().delete()
    return {
        "overdue": _case(world.branch_a1_1, "逾期甲", 1, (D(2026, 11, 2), DueStatus.OVERDUE)),
        "week": _case(world.branch_a1_1, "本周乙", 2, (D(2026, 11, 22), DueStatus.SOON)),
        "month": _case(world.branch_a1_2, "本月丙", 3, (D(2026, 11, 30), DueStatus.SOON)),
        "later": _case(world.branch_a1_2, "下月丁", 4, (D(2026, 12, 15), DueStatus.SOON)),
        "ready": _case(world.branch_b_1, "可办戊", 5, (D(2026, 11, 10), DueStatus.READY)),
    }


def _names(response):
    return sorted(c.person.name for c in _cards(response))


def _cards(response):
    ctx = response.context
    if ctx.get("columns") is not None:
        return [c for col in ctx["columns"] for c in col["cases"]]
    return list(ctx["cards"])


def test_due_filter(world, client_as, cases):
    client = client_as(world.admin)
    url = f"/development/org/{world.city.pk}/"
    assert _names(client.get(url)) == sorted(["逾期甲", "本周乙", "本月丙", "下月丁", "可办戊"])
    assert _names(client.get(url, {"due": "overdue"})) == ["逾期甲"]
    assert _names(client.get(url, {"due": "week"})) == ["本周乙"]
    assert _names(client.get(url, {"due": "month"})) == sorted(["本周乙", "本月丙"])
    assert _names(client.get(url, {"due": "none"})) == sorted(["下月丁", "可办戊"])  # 可以办理 is no deadline
    assert _names(client.get(url, {"due": "bogus"})) == sorted(
        ["逾期甲", "本周乙", "本月丙", "下月丁", "可办戊"]
    )
    body = client.get(url).content.decode()
    assert "逾期（11-02）" in body and "本周到期（11-22）" in body and "本月到期（11-30）" in body


def test_stage_filter_and_counts_over_the_filtered_set(world, client_as, cases):
    client = client_as(world.admin)
    url = f"/development/org/{world.city.pk}/"
    response = client.get(url, {"stage": "3"})
    assert _names(response) == ["本月丙"] and response.context["stage"] == 3
    assert [t["n"] for t in response.context["stage_tabs"]] == [1, 1, 1, 1, 1]
    response = client.get(url, {"due": "month"})
    assert [t["n"] for t in response.context["stage_tabs"]] == [0, 1, 1, 0, 0]
    assert response.context["filtered_total"] == 2
    assert 'href="?due=month&amp;stage=2"' in response.content.decode()
    assert client.get(url, {"stage": "9"}).context["stage"] is None  # not a stage: the overview


def test_org_filter_opens_the_subtree_board(world, client_as, cases):
    client = client_as(world.admin)
    url = f"/development/org/{world.city.pk}/"
    response = client.get(url, {"org_code": "东城镇第二党支部（BR-A1-2）", "due": "month"})
    assert response.status_code == 302
    assert response["Location"] == f"/development/org/{world.branch_a1_2.pk}/?due=month"
    assert _names(client.get(response["Location"])) == ["本月丙"]
    # Out of scope or unknown: a Chinese error, the board stays where it was.
    secretary = client_as(world.secretary)
    response = secretary.get(f"/development/org/{world.branch_a1_1.pk}/", {"org_code": "BR-B-1"})
    assert response.status_code == 200
    assert "不在您的管理范围内" in response.content.decode()
    assert _names(response) == sorted(["逾期甲", "本周乙"])


def test_paging_a_stage(world, client_as, monkeypatch):
    monkeypatch.setattr(reads, "PAGE_CARDS", 3)
    monkeypatch.setattr(reads, "COLUMN_CARDS", 2)
    for i in range(7):
        _case(world.branch_a1_1, f"申请人{_cn(i)}", 1)
    client = client_as(world.secretary)
    url = f"/development/org/{world.branch_a1_1.pk}/"
    overview = client.get(url)
    column = overview.context["columns"][0]
    assert column["total"] == 7 and len(column["cases"]) == 2
    assert "查看全部7人" in overview.content.decode()
    pages = [client.get(url, {"stage": "1", "page": n}) for n in (1, 2, 3)]
    assert [len(_cards(p)) for p in pages] == [3, 3, 1]
    assert len({c.pk for p in pages for c in _cards(p)}) == 7
    assert "第 2 / 3 页" in pages[1].content.decode()


def test_query_count_is_bounded_with_filters(world, client_as):
    client = client_as(world.admin)
    url = f"/development/org/{world.city.pk}/"

    def count(params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return len(ctx)

    def grow(n, offset):
        for i in range(n):
            org = world.branch_a1_1 if i % 2 else world.branch_a1_2
            _case(org, f"人{_cn(offset + i)}", 1 + i % 5, (TODAY + dt.timedelta(days=i % 3), DueStatus.SOON))

    variants = [{}, {"due": "week"}, {"stage": "2"}, {"stage": "1", "due": "month", "page": "1"}]
    grow(5, 0)
    few = [count(v) for v in variants]
    grow(30, 100)
    assert [count(v) for v in variants] == few
    assert max(few) <= 16
