"""A year of branch life for the demo: every branch's meetings of every kind with attendance lists,
a committee per branch and town with some 换届 due, through the bulk services.

Realistic, not perfect: a few months pass without a 主题党日 or 支委会 (so the reminders and the
未按期 figures have something to show), the 党员大会 of each quarter also serves as that month's
主题党日, and the secretary gives a 党课 in one quarter."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable

from dangjian.meetings.models import MeetingKind
from dangjian.meetings.services import meetings_bulk_record
from dangjian.orglife.services import committees_bulk_record
from dangjian.orgs.models import GROUP_KINDS, Org, OrgKind
from dangjian.people.membership import full_member_on, member_on
from dangjian.people.models import MEMBER_STANDINGS, Person
from dangjian.workcal.calendar import add_months

K = MeetingKind
LEAVE_REASONS = ("外出务工", "生病住院", "值班执勤", "出差", "照顾家人")
THEMES = ("学习党的二十届四中全会精神", "学习《中国共产党章程》", "重温入党誓词", "志愿服务进社区",
          "学习《中国共产党支部工作条例》", "党员先锋岗承诺践诺", "走访慰问困难党员群众", "学习党史")  # fmt: skip
GAP = 0.07  # share of branch-months without a 主题党日
ATTENDANCE_MONTHS = 3  # 主题党日 lists for the last months; every 党员大会 and 组织生活会 has one


def _day(rng: random.Random, month_start: dt.date, today: dt.date) -> dt.date | None:
    last = min(add_months(month_start, 1) - dt.timedelta(days=1), today)
    if last < month_start:
        return None
    return month_start + dt.timedelta(days=rng.randint(0, (last - month_start).days))


def _attendance(rng, people: list[Person], day: dt.date) -> list[tuple]:
    rows = []
    for p in people:
        if not member_on(p, day):
            continue
        roll = rng.random()
        if roll < 0.86:
            status, reason = "present", ""
        elif roll < 0.96:
            status, reason = "leave", rng.choice(LEAVE_REASONS)
        else:
            status, reason = "absent", ""
        rows.append((p.pk, status, reason, full_member_on(p, day)))
    return rows


def _branch_year(
    rng, org: Org, people: list[Person], committee: list[Person], months: list[dt.date], today
) -> list[dict]:
    out: list[dict] = []
    full_now = sum(1 for p in people if full_member_on(p, today))
    lecture_quarter = rng.randrange(4)
    for i, month in enumerate(months):
        day = _day(rng, month, today)
        if day is None:
            continue
        recent = i >= len(months) - ATTENDANCE_MONTHS
        if month.month in (3, 6, 9, 12):
            # The quarter's 党员大会 is also the month's 主题党日 and the quarter's 党课.
            secretary = (month.month // 3 - 1) == lecture_quarter
            out.append({
                "org": org, "kind": K.BRANCH_GENERAL, "held_on": day, "title": f"{month.month}月支部党员大会",
                "topic": rng.choice(THEMES), "place": "党员活动室", "purposes": [K.THEMED_DAY, K.PARTY_LECTURE],
                "lecturer": "党支部书记" if secretary else "党员代表", "lecturer_is_secretary": secretary,
                "attendance": _attendance(rng, people, day),
            })  # fmt: skip
        elif rng.random() > GAP:
            out.append({
                "org": org, "kind": K.THEMED_DAY, "held_on": day, "title": f"{month.month}月主题党日",
                "topic": rng.choice(THEMES), "place": rng.choice(("党员活动室", "村（社区）广场", "红色教育基地")),
                "attendance": _attendance(rng, people, day) if recent else [],
            })  # fmt: skip
        if month.month == 1 + (org.pk % 2) and rng.random() < 0.92:
            out.append({
                "org": org, "kind": K.LIFE_MEETING, "held_on": day, "title": f"{month.year - 1}年度组织生活会",
                "topic": "对照检查、开展批评和自我批评", "attendance": _attendance(rng, people, day),
            })  # fmt: skip
        if full_now >= 7 and committee and rng.random() > 0.1:
            committee_day = _day(rng, month, today)
            out.append({
                "org": org, "kind": K.BRANCH_COMMITTEE, "held_on": committee_day, "title": f"{month.month}月支委会",
                "topic": "研究本月党建工作",
                "attendance": [(p.pk, "present", "", True) for p in committee],
            })  # fmt: skip
    return out


def _committee(
    rng, org: Org, people: list[Person], today: dt.date, years: int
) -> tuple[dt.date, list] | None:
    elected_on = today - dt.timedelta(days=int(365 * years * rng.uniform(0.15, 1.06)))
    eligible = [p for p in people if full_member_on(p, elected_on)]
    if not eligible:
        return None
    size = 5 if len(eligible) >= 15 else 3 if len(eligible) >= 7 else 1
    chosen = rng.sample(eligible, k=min(size, len(eligible)))
    posts = ["secretary", "organization", "propaganda", "discipline", "youth"]
    return elected_on, list(zip(chosen, posts, strict=False))


def load_orglife_demo(
    rng: random.Random, today: dt.date, *, log: Callable[[str], None] = lambda _m: None
) -> int:
    first_month = dt.date(today.year - 1, today.month, 1) if today.month < 12 else dt.date(today.year, 1, 1)
    months = [add_months(first_month, i) for i in range(13) if add_months(first_month, i) <= today]
    orgs = list(
        Org.objects.filter(dissolved_on__isnull=True, is_local_committee=False)
        .exclude(kind__in=[OrgKind.TEMP_BRANCH, OrgKind.TEMP_GROUP, OrgKind.TEMP_COMMITTEE])
        .order_by("path")
    )
    people_by_org: dict[int, list[Person]] = defaultdict(list)
    fields = ("id", "org_id", "name", "standing", "admitted_on", "converted_on", "reduction", "reduced_on")
    for person in Person.objects.filter(standing__in=MEMBER_STANDINGS).only(*fields).order_by("id"):
        people_by_org[person.org_id].append(person)
    committees, meetings = [], []
    for org in orgs:
        years = 5 if org.unit_type in ("village", "community") else 3
        if org.kind in (OrgKind.BRANCH, OrgKind.JOINT_BRANCH):
            people = people_by_org.get(org.pk, [])
            chosen = _committee(rng, org, people, today, years)
            members = []
            if chosen:
                committees.append({"org": org, "elected_on": chosen[0], "members": chosen[1]})
                members = [p for p, _post in chosen[1]]
            meetings += _branch_year(rng, org, people, members, months, today)
        elif org.kind in GROUP_KINDS:
            for month in months:
                day = _day(rng, month, today)
                if day is not None and rng.random() > 0.1:
                    meetings.append(
                        {
                            "org": org,
                            "kind": K.PARTY_GROUP,
                            "held_on": day,
                            "title": f"{month.month}月党小组会",
                        }
                    )
    count = committees_bulk_record(actor=None, committees=committees, log_message="演示数据：历届委员会")
    held = meetings_bulk_record(actor=None, meetings=meetings, log_message="演示数据：一年的组织生活")
    log(f"已建立 {count} 个委员会、{held} 次组织生活会议。")
    return held
