"""Time branch life (组织生活) on the loaded demo, on whatever database the environment selects.

Prints JSON: {name: {"median": ms, "p90": ms, "n": n, ...}}.
- `orglife_figures_root`: orglife.figures.org_life_figures for the whole jurisdiction and this year
  (cadences against the rule set, meetings by kind, attendance per org, 换届) — target ≤ 500 ms on
  the city demo;
- `orglife_overview_root`: the whole 组织生活 page of the root through the Django stack;
- `meeting_with_attendance_50`: recording one 支部党员大会 and its attendance list of 50 members
  (meeting_record + attendance_record, as the 组织部管理员), each in a transaction rolled back
  afterwards — target ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.stats import timed_call, timed_get  # noqa: E402
from dangjian.accounts.models import User  # noqa: E402
from dangjian.meetings import roster  # noqa: E402
from dangjian.meetings.services import attendance_record, meeting_record  # noqa: E402
from dangjian.orglife import figures  # noqa: E402
from dangjian.orgs.models import Org, OrgKind  # noqa: E402
from dangjian.people.models import MEMBER_STANDINGS, Person  # noqa: E402


class Rollback(Exception):
    pass


def record_meeting(user, branch: Org, day: dt.date, size: int) -> int:
    rows, _note = roster.roster(branch, "branch_general", day)
    rows = rows[:size]
    try:
        with transaction.atomic():
            meeting = meeting_record(
                actor=user, org=branch, kind="branch_general", held_on=day, expected_voters=1, present_voters=1,
                title="基准测试党员大会", purposes=["themed_day"],
            )  # fmt: skip
            attendance_record(
                actor=user, meeting=meeting,
                entries=[(r.person.pk, "present" if i % 10 else "leave", "" if i % 10 else "外出务工")
                         for i, r in enumerate(rows)],
            )  # fmt: skip
            raise Rollback
    except Rollback:
        pass
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    user = User.objects.get(username="zzb_admin")
    client = Client()
    client.force_login(user)
    root = Org.objects.get(depth=1)
    today = timezone.localdate()
    start = dt.date(today.year, 1, 1)
    branch = (
        Org.objects.filter(kind=OrgKind.BRANCH, dissolved_on=None)
        .annotate(n=Count("people", filter=Q(people__standing__in=MEMBER_STANDINGS)))
        .order_by("-n")
        .first()
    )
    size = min(50, Person.objects.filter(org=branch, standing__in=MEMBER_STANDINGS).count())
    data = figures.org_life_figures(root, start, today, today)
    results = {
        "orglife_figures_root": timed_call(
            lambda: figures.org_life_figures(root, start, today, today), args.repeat
        ),
        "orglife_overview_root": timed_get(client, f"/orglife/org/{root.pk}/", args.repeat),
        "meeting_with_attendance_50": timed_call(
            lambda: record_meeting(user, branch, today, 50), args.repeat
        ),
    }
    results["orglife_figures_root"].update(
        branches_expected=sum(f.expected for f in data.cadences), attendance_listed=data.attendance_listed
    )
    results["meeting_with_attendance_50"].update(attendance=size, branch=branch.name)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
