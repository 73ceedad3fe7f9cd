"""A small world with development and mobilization records in the first half of 2026.

On top of the shared `world` (dangjian/conftest.py), in 东城镇第一党支部 (BR-A1-1) unless noted:
- applications in the period: 王一, 王二 (applicants), and everyone below applied before it;
- 李积极 activist (2026-02-10); 陈发展 and 周发展 candidates (designated 2026-03-15: cases with
  steps 1, 3 and 7 recorded);
- admitted in the period: 刘医生 (medical, frontline), 赵警官 (police, frontline), 孙社区 (community
  worker), and in 乙县医院第一党支部 (outside the town) 钱护士 (medical);
- admitted before the period: 吴旧 (2025-06-01); converted in the period: 郑转正 (2026-04-01);
- a campaign of the city from 2026-03-01: one temporary branch, two teams, a post and a zone, two
  volunteer events (30 and 12 participants, 200 and 50 people served), a bulletin naming one
  collective and two individuals.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.conftest import make_person
from dangjian.development.models import Case
from dangjian.development.services.backfill import cases_backfill
from dangjian.documents.selectors import Period
from dangjian.mobilization import services as mob

PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30))
D = dt.date


def _admitted(org, name, category, admitted_on, **extra):
    return make_person(
        org, name=name, standing="probationary", category=category, applied_on=D(2024, 1, 5),
        activist_on=D(2024, 3, 1), candidate_on=D(2025, 4, 1), admitted_on=admitted_on, **extra,
    )  # fmt: skip


@pytest.fixture
def docs(world):
    return build_docs(world)


def build_docs(world):
    branch = world.branch_a1_1
    people = world.people
    people["app1"] = make_person(branch, name="王一", standing="applicant", applied_on=D(2026, 1, 20))
    people["app2"] = make_person(branch, name="王二", standing="applicant", applied_on=D(2026, 5, 2))
    people["activist"] = make_person(
        branch, name="李积极", standing="activist", applied_on=D(2025, 3, 1), activist_on=D(2026, 2, 10)
    )
    for key, name in (("cand1", "陈发展"), ("cand2", "周发展")):
        people[key] = make_person(
            branch, name=name, standing="candidate", applied_on=D(2024, 3, 1), activist_on=D(2024, 9, 1),
            candidate_on=D(2026, 3, 15), education="bachelor", work_unit="=HYPERLINK(\"x\")",
        )  # fmt: skip
    # Their cases hold the steps behind those dates: designated by the 支部委员会 on 2026-03-15, not
    # filed yet, so they are on the 发展对象公示 that begins on Monday 2026-03-16.
    cases_backfill(
        actor=None, source="测试",
        rows=[{"person": people[key], "records": [
            {"step": 1, "on": D(2024, 3, 1)}, {"step": 3, "on": D(2024, 9, 1)}, {"step": 7, "on": D(2026, 3, 15)},
        ]} for key in ("cand1", "cand2")],
    )  # fmt: skip
    people["doctor"] = _admitted(branch, "刘医生", "medical", D(2026, 3, 20), phone="13812345678")
    people["police"] = _admitted(branch, "赵警官", "police", D(2026, 4, 2))
    people["community"] = _admitted(branch, "孙社区", "community_worker", D(2026, 4, 9))
    people["nurse"] = _admitted(world.branch_b_1, "钱护士", "medical", D(2026, 2, 1))
    people["old"] = _admitted(branch, "吴旧", "teacher", D(2025, 6, 1))
    people["converted"] = make_person(
        branch, name="郑转正", standing="full", applied_on=D(2023, 1, 1), activist_on=D(2023, 3, 1),
        candidate_on=D(2024, 3, 1), admitted_on=D(2025, 4, 1), converted_on=D(2026, 4, 1),
    )  # fmt: skip
    for key in ("doctor", "police"):
        Case.objects.create(
            person=people[key], org=branch, stage=5, last_step=17, special_basis="疫情防控一线"
        )
    Case.objects.create(person=people["community"], org=branch, stage=5, last_step=17)
    for p in people.values():
        p.refresh_from_db()

    campaign = mob.campaign_create(
        actor=world.admin, org=world.city, name="春季疫情防控", kind="epidemic", code="YQ2026",
        starts_on=D(2026, 3, 1),
    )  # fmt: skip
    mob.temporary_org_create(
        actor=world.admin, campaign=campaign, parent=world.town_a1, kind="temp_branch", name="东城镇临时党支部",
        approved_by=world.town_a1, approved_on=D(2026, 3, 2), secretary=people["in_branch"],
    )  # fmt: skip
    for kind, name in (("shock", "党员突击队"), ("volunteer", "志愿服务队")):
        mob.team_create(
            actor=world.admin, campaign=campaign, org=branch, kind=kind, name=name, starts_on=D(2026, 3, 3),
            leader=people["in_branch"],
        )  # fmt: skip
    for kind, name in (("post", "卡点先锋岗"), ("zone", "一组责任区")):
        mob.post_create(
            actor=world.admin, campaign=campaign, org=branch, kind=kind, name=name, place="东城",
            holder=people["in_branch"], starts_on=D(2026, 3, 4),
        )  # fmt: skip
    for on, n, served in ((D(2026, 3, 10), 30, 200), (D(2026, 3, 11), 12, 50)):
        mob.volunteer_event_record(
            actor=world.admin, campaign=campaign, org=branch, on=on, place="东城", title="送菜上门",
            participants=n, people_served=served,
        )  # fmt: skip
    mob.bulletin_record(
        actor=world.admin, campaign=campaign, number="第1期", issued_on=D(2026, 3, 20), issued_by=world.city,
        title="通报表扬", collectives=[{"org": branch}], individuals=[{"person": people["doctor"]}, {"name": "王大妈"}],
    )  # fmt: skip
    world.campaign = campaign
    return world
