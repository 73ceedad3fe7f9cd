"""The dashboard, its figures and the drill-down lists behind them: scoped, exact, few queries."""

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import Http404, QueryDict
from django.urls import reverse

from dangjian.base.params import BadParameter
from dangjian.conftest import make_person
from dangjian.development.models import Case
from dangjian.people.models import Person
from dangjian.stats import selectors

PERIOD = selectors.parse_period("2024-01", "2024-12")


@pytest.fixture
def flow(world):
    """Some development events in 2024, one admission on a frontline basis."""
    a = make_person(world.branch_a1_1, name="王芳", standing="applicant", applied_on=dt.date(2024, 3, 2),
                    birth_date=dt.date(2000, 1, 1), gender="F", education="bachelor", ethnicity="回族")  # fmt: skip
    b = make_person(world.branch_a1_2, name="李强", standing="probationary", applied_on=dt.date(2022, 3, 1),
                    activist_on=dt.date(2022, 6, 1), candidate_on=dt.date(2023, 7, 1),
                    admitted_on=dt.date(2024, 2, 10), education="college")  # fmt: skip
    c = make_person(world.branch_b_1, name="曾敏", standing="probationary", applied_on=dt.date(2023, 1, 5),
                    activist_on=dt.date(2023, 4, 1), candidate_on=dt.date(2024, 1, 5),
                    admitted_on=dt.date(2024, 2, 20), birth_date=dt.date(1960, 2, 1))  # fmt: skip
    Case.objects.create(person=c, org=c.org, special_basis="2020疫情防控一线")
    return {"a": a, "b": b, "c": c}


def _ids(user, url: str) -> set[int]:
    query = QueryDict(urlsplit(url).query)
    org = selectors.stats_org(user, query.get("org"))
    return set(selectors.drill_people(user, org, query).values_list("id", flat=True))


def _all_figures(stats):
    figs = [stats.active, stats.members, stats.frontline_admitted]
    for name in ("standing", "category", "gender", "age", "education", "ethnicity", "unit_type", "funnel"):
        figs += getattr(stats, name)
    for s in stats.suborgs:
        figs += [s.members, s.applicants, s.activists, s.candidates, s.admitted, s.frontline]
    return figs


@pytest.mark.django_db
def test_every_figure_links_to_exactly_the_people_counted(world, flow):
    for user, org in (
        (world.admin, world.city),
        (world.organizer, world.town_a1),
        (world.admin, world.county_b),
    ):
        stats = selectors.subtree_stats(user, org, PERIOD)
        for f in _all_figures(stats):
            assert len(_ids(user, f.url)) == f.n, (f.label, f.url)
        for row in stats.trends:
            for key, url in row["urls"].items():
                assert len(_ids(user, url)) == row[key], (row["month"], key)


@pytest.mark.django_db
def test_figures(world, flow):
    stats = selectors.subtree_stats(world.admin, world.city, PERIOD)
    funnel = {f.key: f.n for f in stats.funnel}
    assert funnel == {"applied": 1, "activist": 0, "candidate": 1, "admitted": 2, "converted": 0}
    assert stats.frontline_admitted.n == 1
    assert _ids(world.admin, stats.frontline_admitted.url) == {flow["c"].pk}
    assert (
        stats.members.n == Person.objects.filter(reduction="", standing__in=["full", "probationary"]).count()
    )
    assert sum(f.n for f in stats.gender) == stats.members.n
    assert sum(f.n for f in stats.age) == stats.members.n
    assert sum(f.n for f in stats.unit_type) == stats.members.n
    feb = next(r for r in stats.trends if r["month"] == "2024-02")
    assert (feb["admitted"], feb["admitted_frontline"]) == (2, 1)
    assert [s.org.code for s in stats.suborgs] == ["CTY-A", "CTY-B"]
    assert {s.org.code: s.frontline.n for s in stats.suborgs} == {"CTY-A": 0, "CTY-B": 1}
    ages = {f.label: f.n for f in stats.age}
    assert ages["61岁及以上"] == 1  # born 1960, as of 2024


@pytest.mark.django_db
def test_scope(world, flow, client_as):
    with pytest.raises(Http404):
        selectors.subtree_stats(world.outsider, world.city, PERIOD)
    with pytest.raises(Http404):
        selectors.stats_org(world.secretary, world.county_b.pk)
    # The secretary's dashboard defaults to their branch and counts only its people.
    assert selectors.stats_org(world.secretary).pk == world.branch_a1_1.pk
    stats = selectors.subtree_stats(world.secretary, world.branch_a1_1, PERIOD)
    assert (
        stats.active.n
        == Person.objects.filter(org__path__startswith=world.branch_a1_1.path, reduction="").count()
    )
    client = client_as(world.secretary)
    assert client.get(reverse("stats-dashboard"), {"org": world.county_b.pk}).status_code == 404
    # A code typed in the org picker outside the scope is the picker's error (the page stays put).
    page = client.get(reverse("stats-dashboard"), {"code": "CTY-B", "org": world.branch_a1_1.pk})
    assert page.status_code == 200 and page.context["org"] == world.branch_a1_1
    assert "找不到“CTY-B”，或该党组织不在您的管理范围内" in page.content.decode()
    assert (
        client.get(reverse("stats-people"), {"org": world.city.pk, "standing": "member"}).status_code == 404
    )
    assert client.get(reverse("stats-people"), {"org": world.branch_a1_1.pk}).status_code == 200
    outsider = client_as(world.outsider)
    assert outsider.get(reverse("stats-dashboard")).status_code == 404


@pytest.mark.django_db
def test_dashboard_page_lists_the_figures_and_links(world, flow, client_as, django_assert_max_num_queries):
    client = client_as(world.admin)
    with django_assert_max_num_queries(14):
        response = client.get(
            reverse("stats-dashboard"), {"org": world.city.pk, "from": "2024-01", "to": "2024-12"}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "统计分析" in html and "vendor/echarts/echarts.min.js" in html and 'id="stats-charts"' in html
    assert "发展党员漏斗" in html and "下级组织对比" in html
    # Every link in the figure tables opens a list that shows the same number.
    table = html[html.index('data-figures="funnel"') :]
    link, n = re.search(r'<a href="([^"]+)">(\d+)</a>', table).groups()
    page = client.get(unescape(link))
    assert page.status_code == 200
    assert f"共 {n} 人" in page.content.decode()
    assert parse_qs(urlsplit(unescape(link)).query)["org"] == [str(world.city.pk)]


@pytest.mark.django_db
def test_query_count_does_not_grow_with_children(world, flow, client_as, django_assert_max_num_queries):
    from dangjian.orgs.services import org_create

    for i in range(8):
        org_create(actor=None, parent=world.city, code=f"X{i}", name=f"新县委{i}", kind="committee",
                   unit_type="organ", has_approval_authority=True, founded_on=dt.date(2001, 7, 1))  # fmt: skip
    client = client_as(world.admin)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("stats-dashboard"), {"org": world.city.pk}).status_code == 200


def test_parse_period():
    today = dt.date(2026, 11, 22)
    p = selectors.parse_period(None, None, today=today)
    assert (p.start, p.end) == (dt.date(2025, 12, 1), dt.date(2026, 11, 30))
    assert len(p.months) == 12
    p = selectors.parse_period("2024-05", "2024-02", today=today)
    assert (p.start, p.end) == (dt.date(2024, 2, 1), dt.date(2024, 5, 31))
    for start, end in (("junk", "2024-12"), ("0000-01", ""), ("", "9999-12"), ("2024-13", "")):
        with pytest.raises(BadParameter):
            selectors.parse_period(start, end, today=today)


@pytest.mark.django_db
def test_dashboard_in_english(world, flow, client_as):
    client = client_as(world.admin)
    html = client.get(
        reverse("stats-dashboard"), {"org": world.city.pk}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Development funnel" in html and "Members by age" in html and "30 and under" in html
    assert client.get(reverse("stats-people"), {"org": "abc"}).status_code == 404


def test_the_funnel_is_drawn_in_stage_order_with_its_labels_beside_it(world, flow):
    from dangjian.stats import charts

    stats = selectors.subtree_stats(world.admin, world.city, PERIOD)
    series = charts.options(stats)["funnel"]["series"][0]
    assert series["sort"] == "none"  # widest band at 递交入党申请书, whatever the counts
    assert series["data"][0]["name"] == "递交入党申请书"
    # inside the bands a phone (390 px) cuts the labels; beside them there is room
    assert (
        series["label"]["position"] == "right"
        and float(series["left"].rstrip("%")) + float(series["width"].rstrip("%")) <= 50
    )
