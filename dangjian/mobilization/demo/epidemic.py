"""Demo campaign 1: 新冠肺炎疫情防控 (2020), with seed 000's figures at `city` scale, closed."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from dangjian.base.idnumber import make_id_number
from dangjian.orgs.models import Org, OrgKind, UnitType
from dangjian.people.models import Person, Standing
from dangjian.workcal.calendar import add_years

from .. import services
from ..models import Campaign, TeamMember
from ..services import GridLead
from ._common import (
    BRANCHES_AT_WORK,
    EPIDEMIC_END,
    EPIDEMIC_START,
    FRONTLINE_BASIS,
    PERIODS,
    PLACES,
    Scale,
    _name,
    _phone,
    _Pool,
    _spread,
)

# ---- campaign 1: the 2020 epidemic -------------------------------------------------------------

# Everyone the campaign names in a role for party members was a full member when it began and was
# still on the books when it ended (people.membership): never someone admitted in a later year.
SERVED = (EPIDEMIC_START, EPIDEMIC_END)


def _temporary_orgs(campaign, scale: Scale, pool: _Pool, rng: random.Random) -> list:
    first_branches: dict[int, list[Org]] = defaultdict(list)
    sizes = pool.sizes(*SERVED)
    for branch in pool.branches:
        group = first_branches[pool.approver(branch).pk]
        if len(group) < 3 and sizes.get(branch.pk, 0):
            group.append(branch)
    members = pool.members([b for group in first_branches.values() for b in group], *SERVED)
    below: dict[int, list[Person]] = defaultdict(list)
    for parent_id, group in first_branches.items():
        for branch in group:
            below[parent_id] += members[branch.pk]
    parents = [c for c in pool.committees if len(below[c.pk]) >= 4]
    rows = []
    n = scale.temporary_orgs
    committees = max(1, n // 25) if n >= 25 else 0
    groups = n * 3 // 100
    for i, parent in enumerate(_spread(rng, parents, n)):
        people = rng.sample(below[parent.pk], k=min(4, len(below[parent.pk])))
        kind = OrgKind.TEMP_COMMITTEE if i < committees else OrgKind.TEMP_BRANCH
        label = "临时党委" if kind == OrgKind.TEMP_COMMITTEE else "临时党支部"
        approver = parent
        if i >= n - groups:  # a temporary party group inside one of the committee's branches
            kind, label, parent = OrgKind.TEMP_GROUP, "临时党小组", rng.choice(first_branches[parent.pk])
        place = rng.choice(PLACES)
        rows.append({
            "parent": parent, "kind": kind, "name": f"{parent.short_name or parent.name.removesuffix('党委').removesuffix('党工委')}{place}疫情防控{label}（{i + 1}）",
            "approved_by": approver, "approved_on": EPIDEMIC_START + dt.timedelta(days=rng.randint(1, 20)),
            "secretary": people[0], "members": people[1:], "mission": f"{place}疫情防控",
            "approval_ref": f"疫防组〔2020〕{i + 1}号",
        })  # fmt: skip
    services.temporary_orgs_bulk_create(actor=None, campaign=campaign, rows=rows)
    return rows


def _team_rows(
    scale: Scale, branches: list[Org], members: dict[int, list[Person]], rng, start: dt.date, duty_first: int
):
    """Team rows; the first `duty_first` teams have `scale.duty_size` + 1 members with files."""
    kinds = ["shock"] * scale.teams[0] + ["vanguard"] * scale.teams[1] + ["emergency"] * scale.teams[2]
    kinds += ["volunteer"] * scale.teams[3]
    duty_kinds = [i for i, k in enumerate(kinds) if k != "volunteer"]
    order = duty_kinds[:duty_first] + [i for i in range(len(kinds)) if i not in set(duty_kinds[:duty_first])]
    rows = []
    words = {
        "shock": "党员突击队",
        "vanguard": "党员先锋队",
        "emergency": "党员应急队",
        "volunteer": "志愿服务队",
    }
    big = [b for b in branches if len(members[b.pk]) >= scale.duty_size + 1]
    for n, i in enumerate(order):
        kind = kinds[i]
        pool_ = big if n < duty_first else branches
        branch = pool_[n % len(pool_)]
        people = members[branch.pk]
        if n < duty_first:
            chosen = rng.sample(people, k=scale.duty_size + 1)
            team_members = [{"person": p} for p in chosen]
        else:
            chosen = rng.sample(people, k=min(len(people), rng.randint(1, 4)))
            team_members = [{"person": p} for p in chosen]
            team_members += [{"name": _name(rng), "phone": _phone(rng)} for _ in range(rng.randint(0, 2))]
        rows.append({
            "org": branch, "kind": kind, "name": f"{branch.name.removesuffix('党支部')}{words[kind]}（{n + 1}）",
            "starts_on": start + dt.timedelta(days=rng.randint(0, 6)), "members": team_members,
            "mission": rng.choice(["卡口值守", "入户排查", "物资配送", "消杀防疫", "宣传引导", "关爱帮扶"]),
        })  # fmt: skip
    return rows


def _grid(campaign, scale: Scale, communities: list[Org], members, registrations, rng: random.Random) -> int:
    total = scale.compounds * (1 + scale.buildings * (1 + scale.units))
    gaps = set(rng.sample(range(total), k=min(scale.gaps, total)))
    counter = iter(range(total))
    by_community: dict[int, list] = defaultdict(list)
    for reg in registrations:
        by_community[reg.community_id].append(reg)

    def lead(org: Org, level: str) -> GridLead | None:
        if next(counter) in gaps:
            return None
        people = members.get(org.pk) or []
        if level == "compound" and people:
            return GridLead(person=rng.choice(people))
        if level == "building" and by_community.get(org.pk) and rng.random() < 0.3:
            reg = by_community[org.pk].pop()
            return GridLead(person=reg.person, registration=reg)
        if level == "building" and people and rng.random() < 0.5:
            return GridLead(person=rng.choice(people))
        return GridLead(name=_name(rng), phone=_phone(rng))

    rows = []
    words = ["阳光", "幸福", "和平", "锦绣", "金色", "滨江", "书香", "翠竹", "东湖", "紫荆", "桂园", "御景"]
    for i, org in enumerate(_spread(rng, communities, scale.compounds)):
        compound = f"{org.name.removesuffix('党支部')}{words[i % len(words)]}小区（{i + 1}）"
        row = {"org": org, "compound": compound, "lead": lead(org, "compound"), "buildings": []}
        for b in range(1, scale.buildings + 1):
            building = {"name": f"{b}栋", "lead": lead(org, "building"), "units": []}
            building["units"] = [
                {"name": f"{u}单元", "lead": lead(org, "unit")} for u in range(1, scale.units + 1)
            ]
            row["buildings"].append(building)
        rows.append(row)
    return services.grid_bulk_create(actor=None, campaign=campaign, rows=rows)


def _daily_targets(scale: Scale, rng: random.Random) -> list[int]:
    """People on duty each day: ramping up over the first week, averaging exactly duty_teams × duty_size."""
    base = scale.duty_teams * scale.duty_size
    low, high = scale.duty_teams * (scale.duty_size - 1), scale.duty_teams * (scale.duty_size + 1)
    weights = [0.9 + 0.15 * min(1.0, day / 7) + rng.uniform(-0.03, 0.03) for day in range(scale.duty_days)]
    mean = sum(weights) / len(weights)
    targets = [min(high, max(low, round(base * w / mean))) for w in weights]
    missing, day = base * scale.duty_days - sum(targets), 0
    while missing:  # spread the rounding over the days, within what the teams can do
        step = 1 if missing > 0 else -1
        if low <= targets[day % len(targets)] + step <= high:
            targets[day % len(targets)] += step
            missing -= step
        day += 1
    return targets


def _duty(campaign, scale: Scale, first: dt.date, rng: random.Random) -> int:
    """Each duty team serves every day with duty_size people, one more or one fewer on some days, so
    that the city's daily counts vary around (and average exactly) 1,100."""
    teams = list(campaign.teams.order_by("id")[: scale.duty_teams])
    members: dict[int, list[TeamMember]] = defaultdict(list)
    for m in TeamMember.objects.filter(team__in=teams, person__isnull=False).order_by("id"):
        members[m.team_id].append(m)
    places = {team.pk: rng.choice(PLACES) for team in teams}
    base = scale.duty_teams * scale.duty_size
    rows = []
    for day, target in enumerate(_daily_targets(scale, rng)):
        on = first + dt.timedelta(days=day)
        extra = target - base
        offset = day * 37 % len(teams)
        for i, team in enumerate(teams):
            crew = members[team.pk]
            size = scale.duty_size
            if (i - offset) % len(teams) < abs(extra):
                size += 1 if extra > 0 else -1
            rows.append({
                "team": team, "on": on, "place": places[team.pk], "period": PERIODS[day % 2], "lead": crew[0],
                "served": [m.pk for m in crew[:size]],
            })  # fmt: skip
    return services.duty_bulk_record(actor=None, campaign=campaign, rows=rows)


def _frontline_people(scale: Scale, pool: _Pool, rng: random.Random) -> tuple[list[dict], list[str]]:
    """New people who applied on the front line: rows for people_bulk_create, and the admitted categories."""
    wanted = {
        "medical": UnitType.HOSPITAL, "police": UnitType.ORGAN, "community_worker": UnitType.COMMUNITY,
        "village_cadre": UnitType.VILLAGE, "other": UnitType.ENTERPRISE,
    }  # fmt: skip
    by_unit: dict[str, list[Org]] = defaultdict(list)
    for branch in pool.branches:
        if pool.sizes(*SERVED).get(branch.pk, 0) >= 3:
            by_unit[branch.unit_type].append(branch)
    plan = [(c, True) for c, n in scale.admitted.items() for _ in range(n)]
    plan += [(rng.choice(["medical", "police", "community_worker", "village_cadre", "other"]), False)
             for _ in range(scale.applied_only)]  # fmt: skip
    taken: set[str] = set()
    rows, admitted = [], []
    regions = pool.regions
    for i, (category, is_admitted) in enumerate(plan):
        branches = by_unit.get(wanted[category]) or pool.branches
        branch = branches[rng.randrange(len(branches))]
        applied = dt.date(2020, 2, 1) + dt.timedelta(days=rng.randint(0, 20))
        born = dt.date(1978, 1, 1) + dt.timedelta(days=rng.randint(0, 6500))
        gender = "F" if category == "medical" and rng.random() < 0.7 else "M"
        region = regions[int(branch.path[4:8], 36) - 1] if branch.depth > 1 else regions[0]
        number = make_id_number(region, born, 300 + i % 200, gender)
        while number in taken or Person.objects.filter(id_number=number).exists():
            born += dt.timedelta(days=1)
            number = make_id_number(region, born, 300 + i % 200, gender)
        taken.add(number)
        row = {
            "name": _name(rng), "gender": gender, "birth_date": born, "id_number": number, "category": category,
            "education": "bachelor", "work_unit": branch.name.removesuffix("党支部"), "org": branch,
            "standing": Standing.APPLICANT, "applied_on": applied,
        }  # fmt: skip
        if is_admitted:
            admitted_on = applied + dt.timedelta(days=10)
            row.update(standing=Standing.FULL, candidate_on=applied + dt.timedelta(days=1), admitted_on=admitted_on,
                       converted_on=add_years(admitted_on, 1))  # fmt: skip
        rows.append(row)
        admitted.append(is_admitted)
    return rows, admitted


def _votes(rng: random.Random, members: int) -> dict[str, int]:
    expected = max(3, members)
    present = max(expected // 2 + 1, round(expected * rng.uniform(0.75, 0.95)))
    return {"expected": expected, "present": present, "yes": present, "no": 0, "abstain": 0}


def _frontline_history(person: Person, pool: _Pool, introducers: list[int], rng: random.Random) -> list[dict]:
    """A complete frontline admission (2020) and conversion a year later, as the pipeline records it."""
    applied, meeting, converted = person.applied_on, person.admitted_on, person.converted_on
    candidate = applied + dt.timedelta(days=1)
    approver = pool.approver(pool.orgs[person.org_id])
    votes = _votes(rng, pool.sizes(*SERVED).get(person.org_id, 3))
    return [
        {"step": 1, "on": applied, "data": {}}, {"step": 2, "on": applied, "data": {}},
        {"step": 7, "on": candidate, "data": {}}, {"step": 8, "on": candidate, "data": {}},
        {"step": 9, "on": candidate, "data": {"introducers": introducers}},
        {"step": 10, "on": candidate + dt.timedelta(days=1), "data": {"result": "合格"}},
        {"step": 11, "on": meeting - dt.timedelta(days=1),
         "data": {"start": (meeting - dt.timedelta(days=3)).isoformat(), "hours": 24}},
        {"step": 12, "on": meeting - dt.timedelta(days=1), "data": {}},
        {"step": 13, "on": meeting - dt.timedelta(days=1), "data": {}},
        {"step": 14, "on": meeting - dt.timedelta(days=1), "data": {}},
        {"step": 15, "on": meeting, "data": votes}, {"step": 16, "on": meeting, "data": {}},
        {"step": 17, "on": meeting + dt.timedelta(days=2), "data": {}, "org": approver},
        {"step": 18, "on": meeting + dt.timedelta(days=7), "data": {}},
        {"step": 20, "on": meeting + dt.timedelta(days=3), "data": {}},
        {"step": 22, "on": converted - dt.timedelta(days=10), "data": {}},
        {"step": 23, "on": converted, "data": {**votes, "result": "按期转正"}},
        {"step": 24, "on": converted + dt.timedelta(days=20), "data": {}, "org": approver},
        {"step": 25, "on": converted + dt.timedelta(days=40), "data": {}},
    ]  # fmt: skip


def _frontline(campaign, scale: Scale, pool: _Pool, rng: random.Random) -> list[Person]:
    """Recommendations from the front line: new applicants (county, city), or at `small` scale the
    pipeline demo's frontline admissions. Returns the admitted people."""
    from dangjian.development.models import Case
    from dangjian.development.services import cases_backfill
    from dangjian.people.services import people_bulk_create

    if scale.admitted or scale.applied_only:
        rows, admitted = _frontline_people(scale, pool, rng)
        people_bulk_create(actor=None, rows=rows, message="一线推荐（演示）")
        saved = {p.id_number: p for p in Person.objects.filter(id_number__in=[r["id_number"] for r in rows])}
        people = [saved[r["id_number"]] for r in rows]
        members = pool.members([pool.orgs[p.org_id] for p in people], *SERVED)
        backfill = []
        for person, is_admitted in zip(people, admitted, strict=True):
            if is_admitted:
                eligible = [
                    m.pk
                    for m in members[person.org_id]
                    if m.converted_on and m.converted_on <= person.applied_on
                ]
                records = _frontline_history(person, pool, rng.sample(eligible, k=min(2, len(eligible))), rng)
                backfill.append({"person": person, "special_basis": FRONTLINE_BASIS, "records": records})
            else:
                records = [{"step": 1, "on": person.applied_on, "data": {}},
                           {"step": 2, "on": person.applied_on + dt.timedelta(days=12), "data": {}}]  # fmt: skip
                backfill.append({"person": person, "records": records})
        cases_backfill(actor=None, rows=backfill, source=f"一线推荐：{campaign.name}")
        recommended = [(p, pool.approver(pool.orgs[p.org_id]), p.applied_on) for p in people]
        admitted_people = [p for p, a in zip(people, admitted, strict=True) if a]
    else:
        heroes = list(
            Case.objects.filter(special_basis__gt="", person__applied_on__year=2020)
            .select_related("person", "person__org")
            .order_by("id")
        )
        recommended = [
            (c.person, pool.approver(pool.orgs[c.person.org_id]), c.person.applied_on) for c in heroes
        ]
        admitted_people = [c.person for c in heroes]
    services.frontline_recommendations_bulk_create(
        actor=None, campaign=campaign,
        rows=[{"person": p, "recommended_by": by, "recommended_on": on,
               "reason": rng.choice(["主动请缨到发热门诊一线", "连续值守卡口二十余天", "带头入户排查", "冲在隔离点一线"])}
              for p, by, on in recommended],
    )  # fmt: skip
    return admitted_people


def _bulletins(campaign, scale: Scale, root: Org, heroes: list[Person], rng: random.Random) -> None:
    every = list(campaign.teams.select_related("org").order_by("id"))
    teams = rng.sample(every, k=min(len(every), scale.collectives * len(scale.bulletins)))
    named = list(
        TeamMember.objects.filter(team__campaign=campaign, person__isnull=False, role="leader")
        .select_related("person")
        .order_by("id")[:500]
    )
    people = heroes + [m.person for m in named if m.person not in heroes]
    used = 0
    for i, individuals in enumerate(scale.bulletins):
        collectives = [
            {"team": t, "citation": "疫情防控表现突出"}
            for t in teams[i * scale.collectives : (i + 1) * scale.collectives]
        ]
        chosen = people[used : used + individuals]
        used += individuals
        services.bulletin_record(
            actor=None, campaign=campaign, number=f"第{i + 1}期", issued_on=dt.date(2020, 2, 8) + dt.timedelta(days=6 * i),
            issued_by=root, title="关于对新冠肺炎疫情防控工作中表现突出的先进集体和个人予以通报表扬的通报",
            collectives=collectives,
            individuals=[{"person": p, "citation": rng.choice(["坚守一线", "火线入党", "连续奋战"])} for p in chosen]
            + [{"name": _name(rng)} for _ in range(individuals - len(chosen))],
        )  # fmt: skip


def _volunteer(campaign, scale: Scale, teams: list, first: dt.date, days: int, rng: random.Random) -> None:
    if not teams:
        return
    titles = [
        "为居家隔离群众代购送菜",
        "为孤寡老人送药上门",
        "协助社区入户排查",
        "卡口测温登记",
        "防疫宣传",
        "消毒消杀",
    ]
    services.volunteer_events_bulk_create(
        actor=None, campaign=campaign,
        rows=[{"org": team.org, "team": team, "on": first + dt.timedelta(days=rng.randrange(days)),
               "place": rng.choice(PLACES), "title": rng.choice(titles), "participants": rng.randint(4, 30),
               "people_served": rng.randint(20, 400)}
              for team in (teams[i % len(teams)] for i in range(scale.volunteer_events))],
    )  # fmt: skip


def _epidemic(scale: Scale, root: Org, pool: _Pool, rng: random.Random, log) -> Campaign:
    campaign = services.campaign_create(
        actor=None, org=root, name="新冠肺炎疫情防控", kind="epidemic", code="YQFK-2020", starts_on=EPIDEMIC_START,
        ends_on=EPIDEMIC_END, frontline_basis=FRONTLINE_BASIS,
        description="依托疫情防控一线成立临时党组织，组建党员突击队、先锋队、应急队，设立党员先锋岗、责任区，"
        "落实小区、楼栋、单元包保，在一线发现和发展党员。",
    )  # fmt: skip
    _temporary_orgs(campaign, scale, pool, rng)
    log(f"  临时党组织 {scale.temporary_orgs} 个……")
    branches = [b for b in pool.branches if pool.sizes(*SERVED).get(b.pk, 0) >= 2]
    if len(branches) > BRANCHES_AT_WORK:
        branches = sorted(rng.sample(branches, k=BRANCHES_AT_WORK), key=lambda b: b.path)
    members = pool.members(branches, *SERVED)
    team_rows = _team_rows(
        scale, branches, members, rng, EPIDEMIC_START + dt.timedelta(days=2), scale.duty_teams
    )
    services.teams_bulk_create(actor=None, campaign=campaign, rows=team_rows)
    holders = [p for b in branches for p in members[b.pk][:3]]
    post_rows = []
    for i in range(scale.posts + scale.zones):
        holder = holders[rng.randrange(len(holders))]
        kind = "post" if i < scale.posts else "zone"
        place = rng.choice(PLACES) if kind == "post" else f"{rng.randint(1, 12)}组（{rng.randint(20, 80)}户）"
        post_rows.append({
            "org": pool.orgs[holder.org_id], "kind": kind, "holder": holder, "place": place,
            "name": f"{place}党员先锋岗" if kind == "post" else f"{holder.name}党员责任区",
            "duties": "测温登记、政策宣传" if kind == "post" else "入户排查、代购代办", "starts_on": EPIDEMIC_START + dt.timedelta(days=3),
        })  # fmt: skip
    services.posts_bulk_create(actor=None, campaign=campaign, rows=post_rows)
    log(f"  队伍 {sum(scale.teams)} 支、先锋岗和责任区 {scale.posts + scale.zones} 个……")
    communities = [b for b in branches if b.unit_type == UnitType.COMMUNITY] or branches
    organ_members = [p for b in branches if b.unit_type == UnitType.ORGAN for p in members[b.pk][3:6]]
    regs = services.registrations_bulk_create(
        actor=None, campaign=campaign,
        rows=[{"person": p, "community": communities[rng.randrange(len(communities))],
               "registered_on": EPIDEMIC_START + dt.timedelta(days=rng.randint(3, 15)), "address": f"{rng.randint(1, 30)}栋"}
              for p in rng.sample(organ_members, k=min(scale.registrations, len(organ_members)))],
    )  # fmt: skip
    nodes = _grid(campaign, scale, communities, pool.members(communities, *SERVED), regs, rng)
    log(f"  网格 {nodes} 个、双报到 {len(regs)} 人……")
    _duty(campaign, scale, EPIDEMIC_START + dt.timedelta(days=8), rng)
    volunteer_teams = list(campaign.teams.filter(kind="volunteer").select_related("org").order_by("id")[:200])
    _volunteer(campaign, scale, volunteer_teams, EPIDEMIC_START + dt.timedelta(days=5), 60, rng)
    heroes = _frontline(campaign, scale, pool, rng)
    log(f"  值班值守 {scale.duty_days} 天、一线推荐……")
    services.campaign_close(actor=None, campaign=campaign, closed_on=EPIDEMIC_END, note="疫情防控转入常态化")
    _bulletins(campaign, scale, root, heroes, rng)
    return campaign
