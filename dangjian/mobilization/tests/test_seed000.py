"""Seed 000 (锦州, 2020-03-25) reported exactly: the figures are built through the bulk services and
the pipeline's back-fill, then read back from the dashboard, the API and `dangjian campaign stats`.

"依托在疫情防控一线成立的753个临时党组织，组建的3896支各类党员突击队、先锋队、应急队，1.2万余个党员
先锋岗、责任区……全市共有242人在疫情防控一线递交入党申请书……火线发展党员58名，其中医护人员19名、
公安民警8名、社区(村)基层干部25名……制定下发疫情防控通报表扬9期，共90个先进集体、122名个人。"
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.management import call_command

from dangjian.conftest import valid_id_number
from dangjian.development.services import cases_backfill
from dangjian.mobilization import selectors, services
from dangjian.mobilization.report import stats_text
from dangjian.mobilization.tests.conftest import FRONTLINE_BASIS
from dangjian.people.models import Person
from dangjian.people.services import people_bulk_create

# 58 admitted: 19 medical staff, 8 police, 25 community or village cadres (15 + 10), 6 others.
ADMITTED = [("medical", 19), ("police", 8), ("community_worker", 15), ("village_cadre", 10), ("other", 6)]
APPLIED_ONLY = [("medical", 60), ("police", 20), ("community_worker", 40), ("enterprise_staff", 64)]  # 184


@pytest.fixture
def seed000(world, epidemic):
    w, campaign = world, epidemic
    secretaries = [w.people["in_branch"], w.people["other_branch"], w.people["county_b"]]
    start = dt.date(2020, 1, 26)
    # 753 temporary orgs: 12 temporary committees and 700 temporary branches under the county and town
    # committees, 41 temporary party groups under the branches.
    rows = []
    for i in range(753):
        if i < 12:
            kind, parent, approver = (
                "temp_committee",
                [w.town_a1, w.county_b][i % 2],
                [w.town_a1, w.county_b][i % 2],
            )
        elif i < 712:
            kind, parent, approver = (
                "temp_branch",
                [w.town_a1, w.county_b][i % 2],
                [w.town_a1, w.county_b][i % 2],
            )
        else:
            kind, parent, approver = (
                "temp_group",
                [w.branch_a1_1, w.branch_b_1][i % 2],
                [w.town_a1, w.county_b][i % 2],
            )
        rows.append({"parent": parent, "kind": kind, "name": f"疫情防控临时党组织{i + 1}", "approved_by": approver,
                     "approved_on": start, "secretary": secretaries[i % 3]})  # fmt: skip
    assert services.temporary_orgs_bulk_create(actor=w.admin, campaign=campaign, rows=rows) == 753
    # 3,896 teams of every kind.
    kinds = ["shock"] * 1500 + ["vanguard"] * 1200 + ["emergency"] * 796 + ["volunteer"] * 400
    teams = [
        {"org": [w.branch_a1_1, w.branch_a1_2, w.branch_b_1][i % 3], "kind": kind, "name": f"队伍{i + 1}",
         "starts_on": start, "members": [{"person": secretaries[i % 3]}, {"name": "王大妈", "phone": ""}]}
        for i, kind in enumerate(kinds)
    ]  # fmt: skip
    assert services.teams_bulk_create(actor=w.admin, campaign=campaign, rows=teams) == 3896
    # "1.2万余个": 7,000 vanguard posts and 5,000 responsibility zones.
    posts = [
        {"org": [w.branch_a1_1, w.branch_b_1][i % 2], "kind": "post" if i < 7000 else "zone", "name": f"岗{i}",
         "place": "卡点", "holder": secretaries[i % 3], "starts_on": start}
        for i in range(12000)
    ]  # fmt: skip
    assert services.posts_bulk_create(actor=w.admin, campaign=campaign, rows=posts) == 12000
    # 242 applications on the front line; 58 admitted (approved by the superior committee).
    branches = [w.branch_a1_1, w.branch_a1_2, w.branch_b_1]
    people, plan = [], []
    for category, n in ADMITTED + APPLIED_ONLY:
        for _ in range(n):
            k = len(people)
            admitted = len(plan) < 58
            people.append({
                "name": f"一线{'甲乙丙丁戊己庚辛'[k % 8]}{'子丑寅卯辰巳午未申酉'[k // 8 % 10]}{'东南西北'[k // 80]}",
                "id_number": valid_id_number(dt.date(1988, 1, 1) + dt.timedelta(days=k)),
                "birth_date": dt.date(1988, 1, 1) + dt.timedelta(days=k), "gender": "M", "category": category,
                "org": branches[k % 3], "standing": "applicant", "applied_on": dt.date(2020, 2, 10),
            })  # fmt: skip
            plan.append(admitted)
    people_bulk_create(actor=None, rows=people)
    saved = {p.id_number: p for p in Person.objects.filter(id_number__in=[r["id_number"] for r in people])}
    backfill = []
    for row, admitted in zip(people, plan, strict=True):
        person = saved[row["id_number"]]
        approver = w.town_a1 if person.org_id != w.branch_b_1.pk else w.county_b
        records = [{"step": 1, "on": dt.date(2020, 2, 10)}]
        if admitted:
            records += [
                {"step": 15, "on": dt.date(2020, 2, 20)},
                {"step": 17, "on": dt.date(2020, 2, 24), "org": approver},
            ]
        backfill.append(
            {"person": person, "records": records, "special_basis": FRONTLINE_BASIS if admitted else ""}
        )
    cases_backfill(actor=None, rows=backfill, source="一线推荐：新冠肺炎疫情防控")
    recommendations = [
        {"person": saved[row["id_number"]], "recommended_by": w.county_b if row["org"] == w.branch_b_1 else w.town_a1,
         "recommended_on": dt.date(2020, 2, 10), "reason": "一线表现突出"}
        for row in people
    ]  # fmt: skip
    services.frontline_recommendations_bulk_create(actor=w.admin, campaign=campaign, rows=recommendations)
    # 9 bulletins from 2020-02-08: 90 collectives (10 each) and 122 individuals.
    individuals = [14] * 8 + [10]
    for i in range(9):
        services.bulletin_record(
            actor=w.admin, campaign=campaign, number=f"第{i + 1}期", issued_on=dt.date(2020, 2, 8) + dt.timedelta(days=5 * i),
            issued_by=w.city, title="疫情防控通报表扬",
            collectives=[{"name": f"先进集体{i}-{j}"} for j in range(10)],
            individuals=[{"name": f"先进个人{'甲乙丙丁戊己庚辛壬'[i]}{'一二三四五六七八九十百千万亿'[j]}"}
                         for j in range(individuals[i])],
        )  # fmt: skip
    return campaign


EXPECTED = {
    "temporary_orgs": 753, "teams": 3896, "posts": 12000, "applications": 242, "admitted": 58,
    "medical": 19, "police": 8, "grassroots_cadres": 25, "bulletins": 9, "collectives": 90, "individuals": 122,
}  # fmt: skip


def _figures(stats: dict) -> dict:
    return {
        "temporary_orgs": stats["temporary_orgs"]["total"], "teams": stats["teams"]["total"],
        "posts": stats["posts"]["total"], "applications": stats["frontline"]["applications"],
        "admitted": stats["frontline"]["admitted"], "medical": stats["frontline"]["admitted_medical"],
        "police": stats["frontline"]["admitted_police"],
        "grassroots_cadres": stats["frontline"]["admitted_grassroots_cadres"],
        "bulletins": stats["commendations"]["bulletins"], "collectives": stats["commendations"]["collectives"],
        "individuals": stats["commendations"]["individuals"],
    }  # fmt: skip


def test_seed000_figures_are_reported_exactly(world, seed000, client_as, capsys):
    stats = selectors.campaign_stats(world.admin, seed000)
    assert _figures(stats.as_dict()) == EXPECTED
    assert stats.frontline["admitted_by_category"] == {
        "medical": 19, "police": 8, "community_worker": 15, "village_cadre": 10, "other": 6,
    }  # fmt: skip
    assert stats.teams == {"shock": 1500, "vanguard": 1200, "emergency": 796, "volunteer": 400, "total": 3896}
    assert stats.temporary_orgs["temp_committee"] == 12 and stats.temporary_orgs["temp_group"] == 41

    # The command, as text and as JSON.
    call_command("campaign", "stats", seed000.code)
    text = capsys.readouterr().out
    assert text == stats_text(stats) + "\n"
    flat = re.sub("\u3000+", " ", text)
    for figure in (
        "临时党组织 753（",
        "各类队伍 3,896支",
        "党员先锋岗、责任区 12,000个",
        "一线递交入党申请 242人",
        "火线发展党员 58名（医务人员19，公安民警8，社区工作者15，村(社区)干部10，其他6；其中社区（村）基层干部25），其中经本次动员一线推荐58名",
        "通报表扬 9期，先进集体90个，先进个人122名",
    ):
        assert figure in flat, figure
    call_command("campaign", "stats", seed000.code, "--format", "json")
    assert _figures(json.loads(capsys.readouterr().out)) == EXPECTED

    # The API and the dashboard.
    client = client_as(world.admin)
    assert _figures(client.get(f"/api/mobilization/campaigns/{seed000.pk}/stats").json()) == EXPECTED
    page = client.get(f"/mobilization/{seed000.pk}/").content.decode()
    shown = {k: int(v.replace(",", "")) for k, v in re.findall(r'data-stat="(\w+)">([\d,]+)<', page)}
    assert shown["temporary_orgs"] == 753 and shown["teams"] == 3896 and shown["applications"] == 242
    assert shown["posts"] == 12000 and shown["admitted"] == 58


def test_seed000_for_a_county_viewer_counts_only_their_county(world, seed000):
    """The viewer of 甲县委 sees the campaign's figures for 甲县 only."""
    stats = selectors.campaign_stats(world.viewer, seed000)
    assert not stats.whole
    assert stats.temporary_orgs["total"] == 6 + 350 + 21  # under 东城镇党委 and its first branch
    assert stats.teams["total"] == 1299 + 1299  # BR-A1-1 and BR-A1-2 (every third team is 乙县's)
    assert stats.frontline["applications"] == 242 - 80  # 乙县医院第一党支部 has every third applicant (80)
    assert stats.commendations["bulletins"] == 9  # bulletins are public documents of the campaign
