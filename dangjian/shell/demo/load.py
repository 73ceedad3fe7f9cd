"""Loading the demo: the tree, the people, a few reductions, development cases, mobilization and the
demo logins (password DEMO_PASSWORD), all through the services.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from dangjian.accounts.models import Role
from dangjian.accounts.services import role_grant, user_create
from dangjian.orgs.models import Org, OrgKind
from dangjian.orgs.services import org_tree_bulk_create
from dangjian.people.models import Person, Reduction, Standing
from dangjian.people.services import people_bulk_create, person_reduce
from dangjian.shell.demo.people import _days, person_rows
from dangjian.shell.demo.tree import COUNTIES, REFERENCE_DATE, SCALES, build_tree

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


def database_is_empty() -> bool:
    return not Org.objects.exists() and not Person.objects.exists()


def load_demo(
    scale_name: str, *, seed: int = 2020, log: Callable[[str], None] = lambda _m: None
) -> DemoResult:
    scale = SCALES[scale_name]
    rng = random.Random(f"{seed}-{scale_name}")
    with transaction.atomic():
        log("建立组织架构……")
        tree = build_tree(scale, rng)
        org_count = org_tree_bulk_create(actor=None, parent=None, nodes=[tree])
        root = Org.objects.get(code=tree["code"])
        branches = list(Org.objects.filter(kind=OrgKind.BRANCH).order_by("path"))
        log(f"已建立 {org_count} 个党组织；生成人员档案……")
        rows = person_rows(branches, scale, rng)
        people = people_bulk_create(actor=None, rows=rows)
        log(f"已建立 {people} 份人员档案；办理少量减少（转出、死亡）……")
        reduce_ids = list(
            Person.objects.filter(standing=Standing.FULL).order_by("id").values_list("id", flat=True)
        )
        for person_id in rng.sample(reduce_ids, k=max(2, len(reduce_ids) // 400)):
            person = Person.objects.select_related("org").get(pk=person_id)
            kind = rng.choice((Reduction.TRANSFERRED_OUT, Reduction.TRANSFERRED_OUT, Reduction.DECEASED))
            note = "组织关系转往外省" if kind == Reduction.TRANSFERRED_OUT else "因病去世"
            person_reduce(
                actor=None,
                person=person,
                reduction=kind,
                reduced_on=REFERENCE_DATE - _days(rng, 1, 300),
                note=note,
            )
        from dangjian.development.demo import load_development_demo

        cases = load_development_demo(rng, REFERENCE_DATE, frontline=scale.frontline, log=log)
        log(f"已补录 {cases} 份发展纪实。")
        from dangjian.mobilization.demo import load_mobilization_demo

        regions = [region for _name, region in COUNTIES]
        load_mobilization_demo(scale_name, reference=REFERENCE_DATE, regions=regions, seed=seed, log=log)
        logins = _demo_users(root)
    from dangjian.development import due

    due.refresh()
    analyze_tables()
    return DemoResult(orgs=org_count, people=people, logins=logins)


def _demo_users(root: Org) -> list[tuple[str, str, str]]:
    county = Org.objects.filter(depth=2).order_by("path").first()
    town = (
        Org.objects.filter(depth=3, has_approval_authority=True, kind=OrgKind.COMMITTEE)
        .order_by("path")
        .first()
    )
    branch = (
        Org.objects.filter(path__startswith=town.path, kind=OrgKind.BRANCH).order_by("path").first()
        if town
        else None
    )
    logins = []
    superuser = user_create(actor=None, username="root", password=DEMO_PASSWORD, display_name="系统管理员")
    superuser.is_superuser = superuser.is_staff = True
    superuser.save(update_fields=["is_superuser", "is_staff"])
    logins.append(("root", "系统管理员", "全部"))
    for username, display, role, org in (
        ("zzb_admin", "组织部 王科长", Role.ORG_ADMIN, root),
        ("organizer", "镇党委 李组织员", Role.COMMITTEE_ORGANIZER, town),
        ("secretary", "支部 张书记", Role.BRANCH_SECRETARY, branch),
        ("viewer", "县委 只读", Role.VIEWER, county),
    ):
        if org is None:
            continue
        user = user_create(actor=None, username=username, password=DEMO_PASSWORD, display_name=display)
        role_grant(actor=None, user=user, org=org, role=role)
        logins.append((username, Role(role).label, org.name))
    return logins
