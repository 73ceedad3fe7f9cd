"""Demo campaign 2: 2026年冬季森林防灭火, running now, small, for trying the pages."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from dangjian.orgs.models import OrgKind, UnitType

from .. import services
from ..models import Campaign, TeamMember
from ..services import GridLead
from ._common import _name, _phone, _Pool

# ---- campaign 2: running now -------------------------------------------------------------------


def _forest_fire(reference: dt.date, pool: _Pool, rng: random.Random) -> Campaign | None:
    town = next(
        (
            c
            for c in pool.committees
            if c.kind == OrgKind.COMMITTEE and c.depth == 3 and c.unit_type == UnitType.VILLAGE
        ),
        None,
    )
    if town is None:
        return None
    start = reference - dt.timedelta(days=18)
    campaign = services.campaign_create(
        actor=None, org=town, name="2026年冬季森林防灭火", kind="disaster", code="SLFH-2026", starts_on=start,
        description="冬春森林防灭火：卡口值守、巡山护林、野外用火管控。",
    )  # fmt: skip
    sizes = pool.sizes(start)  # full members on the day it began (people.membership)
    branches = [b for b in pool.branches if b.path.startswith(town.path) and sizes.get(b.pk, 0) >= 5][:4]
    members = pool.members(branches, start)
    if not branches:
        return campaign
    first = branches[0]
    services.temporary_orgs_bulk_create(
        actor=None, campaign=campaign,
        rows=[{"parent": first, "kind": OrgKind.TEMP_GROUP, "name": "护林防火临时党小组", "approved_by": town,
               "approved_on": start, "secretary": members[first.pk][0], "members": members[first.pk][1:3],
               "mission": "巡山护林"}],
    )  # fmt: skip
    team_rows = []
    for i, branch in enumerate(branches):
        people = members[branch.pk]
        team_rows.append({"org": branch, "kind": ["shock", "emergency", "vanguard", "volunteer"][i % 4],
                          "name": f"{branch.name.removesuffix('党支部')}护林防火{['党员突击队', '党员应急队', '党员先锋队', '志愿服务队'][i % 4]}",
                          "starts_on": start, "mission": "巡山护林、卡口值守",
                          "members": [{"person": p} for p in people[:4]] + [{"name": _name(rng), "phone": _phone(rng)}]})  # fmt: skip
    services.teams_bulk_create(actor=None, campaign=campaign, rows=team_rows)
    services.posts_bulk_create(
        actor=None, campaign=campaign,
        rows=[{"org": b, "kind": "post" if j == 0 else "zone", "holder": members[b.pk][j],
               "name": "进山路口党员先锋岗" if j == 0 else f"{j}组林区党员责任区", "place": "进山路口" if j == 0 else f"{j}组林区",
               "duties": "登记进山人员、收缴火种" if j == 0 else "巡山护林", "starts_on": start}
              for b in branches for j in range(3)],
    )  # fmt: skip
    teams = list(campaign.teams.order_by("id"))
    crew = defaultdict(list)
    for m in TeamMember.objects.filter(team__in=teams).order_by("id"):
        crew[m.team_id].append(m)
    rows = []
    for team in teams[:2]:
        for day in range((reference - start).days + 1):
            on = start + dt.timedelta(days=day)
            served = [m.pk for m in crew[team.pk] if rng.random() < 0.8]
            rows.append({"team": team, "on": on, "place": "进山路口卡点", "period": "08:00-18:00", "lead": crew[team.pk][0],
                         "served": served})  # fmt: skip
    services.duty_bulk_record(actor=None, campaign=campaign, rows=rows)
    services.duty_plan(
        actor=None, team=teams[0], first_day=reference + dt.timedelta(days=1), last_day=reference + dt.timedelta(days=14),
        place="进山路口卡点", periods=["08:00-18:00"], lead=crew[teams[0].pk][0], planned=4,
    )  # fmt: skip
    services.grid_bulk_create(
        actor=None, campaign=campaign,
        rows=[{"org": first, "compound": f"{first.name.removesuffix('党支部')}林区{i + 1}片", "lead": GridLead(person=members[first.pk][i]),
               "buildings": [{"name": f"{j + 1}号山头", "lead": GridLead(name=_name(rng), phone=_phone(rng)) if j else None}
                             for j in range(3)]}
              for i in range(2)],
    )  # fmt: skip
    _recommendations(campaign, start, reference)
    return campaign


def _recommendations(campaign: Campaign, start: dt.date, reference: dt.date) -> None:
    """一线推荐、逐级审核: this campaign's recommendations pass the branch, then the town committee;
    one waits for the branch, one for the committee, one was returned by the committee."""
    from dangjian.people.models import Person, Standing

    services.campaign_update(actor=None, campaign=campaign, review_levels=["branch", "committee"])
    people = list(
        Person.objects.filter(
            org__path__startswith=campaign.org.path,
            standing__in=[Standing.APPLICANT, Standing.ACTIVIST],
            reduced_on__isnull=True,
        ).order_by("pk")[:3]
    )
    on = start + dt.timedelta(days=3)
    for number, person in enumerate(people):
        rec = services.frontline_recommend(
            actor=None, campaign=campaign, person=person, recommended_by=person.org, recommended_on=on,
            reason=["连续值守进山卡口十余天", "扑救山火冲在前面", "主动报名巡山护林"][number],
        )  # fmt: skip
        if number >= 1:
            services.frontline_review(
                actor=None, recommendation=rec, decision="agree", on=on + dt.timedelta(days=2)
            )
        if number == 2:
            services.frontline_review(
                actor=None, recommendation=rec, decision="return", reason="入党申请时间较短，继续培养考察",
                on=min(reference, on + dt.timedelta(days=5)),
            )  # fmt: skip
