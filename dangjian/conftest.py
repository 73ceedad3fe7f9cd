"""Shared test fixtures: a small jurisdiction and named personas.

市委 CITY (党委, 审批)
├── 甲县委 CTY-A (党委, 审批)             viewer 只读查看
│   └── 东城镇党委 TOWN-A1 (党委, 审批)   organizer 党委组织员
│       ├── 第一党支部 BR-A1-1            secretary 支部书记
│       │   └── 第一党小组 GRP-A1-1-1
│       └── 第二党支部 BR-A1-2
└── 乙县委 CTY-B (党委, 审批)
    └── 乙县医院党总支 GB-B-1 (党总支)
        └── 乙县医院第一党支部 BR-B-1
admin 组织部管理员 on CITY; outsider has no role; root is a superuser.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import pytest

from dangjian.accounts.models import Role, User
from dangjian.accounts.services import role_grant
from dangjian.base.idnumber import make_id_number
from dangjian.development.rulesets import ensure_national
from dangjian.orgs.models import Org
from dangjian.orgs.services import org_create
from dangjian.people.models import Person
from dangjian.people.services import person_create, person_reduce
from dangjian.shell.management.commands.compilecatalogs import compile_catalogs

PASSWORD = "demo-pass-123"
_sequence = itertools.count(1)


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs() -> None:
    """The English catalog's .mo is generated, not committed: compile it before any test."""
    compile_catalogs()


def valid_id_number(birth: dt.date = dt.date(1990, 5, 17), gender: str = "M", region: str = "511602") -> str:
    return make_id_number(region, birth, next(_sequence) % 500, gender)


def make_person(org: Org, *, actor=None, name: str = "张伟", standing: str = "full", **fields) -> Person:
    birth = fields.pop("birth_date", dt.date(1985, 3, 9))
    gender = fields.pop("gender", "M")
    defaults: dict = {"applied_on": dt.date(2010, 3, 1)}
    if standing in ("activist", "candidate", "probationary", "full"):
        defaults["activist_on"] = dt.date(2010, 6, 1)
    if standing in ("candidate", "probationary", "full"):
        defaults["candidate_on"] = dt.date(2011, 7, 1)
    if standing in ("probationary", "full"):
        defaults["admitted_on"] = dt.date(2011, 12, 1)
    if standing == "full":
        defaults["converted_on"] = dt.date(2012, 12, 1)
    if standing != "applicant":
        # Past the application: the dates come from outside the system, so the file is 补录.
        defaults["backfill_reason"] = "fixture"
    reduction = {k: fields.pop(k) for k in ("reduction", "reduced_on") if k in fields}
    defaults.update(fields)
    person = person_create(
        actor=actor,
        org=org,
        name=name,
        id_number=fields.pop("id_number", None) or valid_id_number(birth, gender),
        gender=gender,
        birth_date=birth,
        standing=standing,
        **{k: v for k, v in defaults.items() if k != "id_number"},
    )
    if reduction:
        person = person_reduce(actor=None, person=person, note="fixture", **reduction)
    return person


def make_user(username: str, *, superuser: bool = False) -> User:
    user = User(username=username, display_name=username, is_superuser=superuser, is_staff=superuser)
    user.set_password(PASSWORD)
    user.save()
    return user


@dataclass
class World:
    city: Org
    county_a: Org
    town_a1: Org
    branch_a1_1: Org
    group_a1_1_1: Org
    branch_a1_2: Org
    county_b: Org
    general_branch_b: Org
    branch_b_1: Org
    root: User
    admin: User
    organizer: User
    secretary: User
    viewer: User
    outsider: User
    people: dict[str, Person] = field(default_factory=dict)


@pytest.fixture
def world(db) -> World:
    # The national rule set is seed data from a migration; a transactional test (e2e, concurrency)
    # flushes the tables when it ends, so later tests on that worker would find no rule set.
    ensure_national()

    def org(parent, code, name, kind, approval=False, unit="other", local=False):
        return org_create(
            actor=None, parent=parent, code=code, name=name, kind=kind, unit_type=unit,
            has_approval_authority=approval, is_local_committee=local, founded_on=dt.date(2001, 7, 1),
        )  # fmt: skip

    city = org(None, "CITY", "广安市委", "committee", True, "organ", local=True)
    county_a = org(city, "CTY-A", "甲县委", "committee", True, "organ", local=True)
    town_a1 = org(county_a, "TOWN-A1", "东城镇党委", "committee", True, "organ")
    branch_a1_1 = org(town_a1, "BR-A1-1", "东城镇第一党支部", "branch", unit="community")
    group = org(branch_a1_1, "GRP-A1-1-1", "第一党小组", "party_group")
    branch_a1_2 = org(town_a1, "BR-A1-2", "东城镇第二党支部", "branch", unit="village")
    county_b = org(city, "CTY-B", "乙县委", "committee", True, "organ", local=True)
    general_b = org(county_b, "GB-B-1", "乙县医院党总支", "general_branch", unit="hospital")
    branch_b_1 = org(general_b, "BR-B-1", "乙县医院第一党支部", "branch", unit="hospital")
    users = {name: make_user(name) for name in ("admin", "organizer", "secretary", "viewer", "outsider")}
    root = make_user("root", superuser=True)
    role_grant(actor=None, user=users["admin"], org=city, role=Role.ORG_ADMIN)
    role_grant(actor=None, user=users["organizer"], org=town_a1, role=Role.COMMITTEE_ORGANIZER)
    role_grant(actor=None, user=users["secretary"], org=branch_a1_1, role=Role.BRANCH_SECRETARY)
    role_grant(actor=None, user=users["viewer"], org=county_a, role=Role.VIEWER)
    w = World(
        city=city, county_a=county_a, town_a1=town_a1, branch_a1_1=branch_a1_1, group_a1_1_1=group,
        branch_a1_2=branch_a1_2, county_b=county_b, general_branch_b=general_b, branch_b_1=branch_b_1,
        root=root, **users,
    )  # fmt: skip
    w.people["in_branch"] = make_person(
        branch_a1_1, name="曾小芳", gender="F", birth_date=dt.date(1992, 2, 29)
    )
    w.people["applicant"] = make_person(branch_a1_1, name="单明", standing="applicant")
    w.people["other_branch"] = make_person(branch_a1_2, name="欧阳修远")
    w.people["county_b"] = make_person(branch_b_1, name="李小艳", gender="F", category="medical")
    for p in w.people.values():
        p.refresh_from_db()
    return w


@pytest.fixture
def client_as(client):
    """client_as(user) logs the test client in as `user` and returns it."""

    def login(user):
        client.force_login(user)
        return client

    return login
