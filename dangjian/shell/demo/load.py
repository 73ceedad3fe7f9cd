"""Loading the demo: the tree, the people, a few reductions, development cases, mobilization and the
demo logins (password DEMO_PASSWORD), all through the services.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dangjian.accounts.models import Role
from dangjian.accounts.services import role_grant, user_create
from dangjian.orgs.models import Org, OrgKind, UnitType
from dangjian.orgs.services import org_tree_bulk_create
from dangjian.people.models import Person, Reduction
from dangjian.people.services import people_bulk_create, people_reduce
from dangjian.shell.demo.people import _days, person_rows
from dangjian.shell.demo.tree import COUNTIES, SCALES, build_tree, system_start

DEMO_PASSWORD = "dangjian-demo"


@dataclass
class DemoResult:
    orgs: int
    people: int
    logins: list[tuple[str, str, str]]  # (username, role label, scope name)


def analyze_tables() -> None:
    """Refresh the planner's statistics after a bulk load (both databases plan by them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _bulk_load_settings() -> None:
    """A larger page cache for this connection on SQLite: the demo city writes some 700 MB, and
    the indexes of the big tables (attendance, step records, seals) are updated all over."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size=-1048576")  # 1 GB, for this process only


def database_is_empty() -> bool:
    return not Org.objects.exists() and not Person.objects.exists()


def load_demo(
    scale_name: str,
    *,
    seed: int = 2020,
    today: dt.date | None = None,
    log: Callable[[str], None] = lambda _m: None,
) -> DemoResult:
    """Load the demo jurisdiction as of `today` (default: the load date), the same for the same seed
    and day: every date lies on or before it, and things fall due in the week after it."""
    scale = SCALES[scale_name]
    today = today or timezone.localdate()
    rng = random.Random(f"{seed}-{scale_name}")
    from dangjian.development import due

    _bulk_load_settings()

    # The reminders are computed once at the end, not after each of the load's writes.
    with transaction.atomic(), due.deferred(today):
        log("建立组织架构……")
        tree = build_tree(scale, rng)
        org_count = org_tree_bulk_create(actor=None, parent=None, nodes=[tree])
        root = Org.objects.get(code=tree["code"])
        branches = list(Org.objects.filter(kind=OrgKind.BRANCH).order_by("path"))
        town, branch = _secretary_orgs()
        log(f"已建立 {org_count} 个党组织；生成人员档案……")
        demo_people = person_rows(branches, scale, rng, today, cast_branch=branch)
        people = people_bulk_create(actor=None, rows=demo_people.rows)
        log(f"已建立 {people} 份人员档案；办理少量减少（转出、死亡）……")
        # Reductions among the members who joined before the system's start (the others have cases).
        reduce_ids = list(
            Person.objects.filter(id_number__in=demo_people.pre_system)
            .order_by("id")
            .values_list("id", flat=True)
        )
        plans = []
        for person_id in rng.sample(reduce_ids, k=max(2, len(reduce_ids) // 400)):
            kind = rng.choice((Reduction.TRANSFERRED_OUT, Reduction.TRANSFERRED_OUT, Reduction.DECEASED))
            note = "组织关系转往外省" if kind == Reduction.TRANSFERRED_OUT else "因病去世"
            plans.append((Person(pk=person_id), kind, today - _days(rng, 1, 300), note))
        people_reduce(actor=None, plans=plans)
        from dangjian.development.demo import load_development_demo

        cases = load_development_demo(
            rng, today, frontline=scale.frontline, plans=demo_people.plans, statuses=demo_people.statuses,
            linked_orgs=_linked_branches(town, branch), log=log, system_start=system_start(today),
        )  # fmt: skip
        log(f"已建立 {cases} 份发展纪实。")
        from dangjian.development.demo import assign_demo_mentors, issue_form_numbers

        issue_form_numbers(town, today)
        assign_demo_mentors(branch)
        from dangjian.mobilization.demo import load_mobilization_demo

        regions = [region for _name, region in COUNTIES]
        load_mobilization_demo(scale_name, reference=today, regions=regions, seed=seed, log=log)
        from dangjian.training.demo import load_training_demo

        load_training_demo(today, seed=seed, log=log)
        from dangjian.appraisal.demo import load_appraisal_demo

        load_appraisal_demo(random.Random(f"{seed}-{scale_name}-appraisal"), today, log=log)
        from dangjian.orglife.demo import load_orglife_demo

        load_orglife_demo(random.Random(f"{seed}-{scale_name}-orglife"), today, log=log)
        from dangjian.dues.demo import load_dues_demo

        load_dues_demo(random.Random(f"{seed}-{scale_name}-dues"), today, log=log)
        from dangjian.transfers.demo import load_transfers_demo

        load_transfers_demo(random.Random(f"{seed}-{scale_name}-transfers"), today, log=log)
        from dangjian.talent.demo import load_talent_demo

        load_talent_demo(random.Random(f"{seed}-{scale_name}-talent"), today, log=log)
        logins = _demo_users(root, town, branch)
    analyze_tables()
    return DemoResult(orgs=org_count, people=people, logins=logins)


def _secretary_orgs() -> tuple[Org | None, Org | None]:
    """The demo 党委组织员's town (the first 镇党委 that approves admissions) and the 支部书记's
    branch: the town's first village branch."""
    town = (
        Org.objects.filter(depth=3, has_approval_authority=True, kind=OrgKind.COMMITTEE)
        .order_by("path")
        .first()
    )
    if town is None:
        return None, None
    below = Org.objects.filter(path__startswith=town.path, kind=OrgKind.BRANCH).order_by("path")
    return town, below.filter(unit_type=UnitType.VILLAGE).first() or below.first()


def _linked_branches(town: Org | None, branch: Org | None, others: int = 2) -> list[Org]:
    """The branches whose meeting steps link to meeting records: the 支部书记's and a few more in
    her town (meeting records go through the services one by one, so not every branch has them)."""
    if town is None or branch is None:
        return []
    rest = Org.objects.filter(path__startswith=town.path, kind=OrgKind.BRANCH).exclude(pk=branch.pk)
    return [branch, *rest.order_by("path")[:others]]


def _demo_users(root: Org, town: Org | None, branch: Org | None) -> list[tuple[str, str, str]]:
    counties = list(Org.objects.filter(depth=2).order_by("path")[:2])
    county = counties[-1] if counties else None  # the second 区 (or the only one): not the admin's first
    logins = []
    superuser = user_create(actor=None, username="root", password=DEMO_PASSWORD, display_name="系统管理员")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save(update_fields=["is_superuser", "is_staff"])
    logins.append(("root", "系统管理员", "全部"))
    for username, display, role, org in (
        ("zzb_admin", "组织部 王科长", Role.ORG_ADMIN, root),
        ("organizer", "镇党委 李组织员", Role.COMMITTEE_ORGANIZER, town),
        ("secretary", "支部 张书记", Role.BRANCH_SECRETARY, branch),
        ("viewer", "区委 只读", Role.VIEWER, county),
    ):
        if org is None:
            continue
        user = user_create(actor=None, username=username, password=DEMO_PASSWORD, display_name=display)
        role_grant(actor=None, user=user, org=org, role=role)
        logins.append((username, Role(role).label, org.name))
    return logins
