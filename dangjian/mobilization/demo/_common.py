"""What both demo campaigns use: the scales, made-up names and phones, the pool of orgs and members."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber

from dangjian.orgs.models import Org, OrgKind
from dangjian.people.membership import full_member_on_q, member_on_q
from dangjian.people.models import Person

EPIDEMIC_START = dt.date(2020, 1, 24)


EPIDEMIC_END = dt.date(2020, 6, 30)


FRONTLINE_BASIS = "中组部《关于抓紧做好在新冠肺炎疫情防控第一线发展党员工作的通知》（2020年2月23日）"


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"


GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅建国志飞鹏辉斌波宇浩凯健俊帆帅旭"


PLACES = [
    "小区卡口",
    "高速路口",
    "发热门诊",
    "隔离点",
    "农贸市场",
    "车站",
    "社区服务站",
    "村口检查站",
    "物资仓库",
]


PERIODS = ["08:00-14:00", "14:00-20:00", "20:00-次日08:00"]


MEMBERS_PER_ORG = 6


BRANCHES_AT_WORK = 4000  # branches whose members staff the teams and posts


@dataclass(frozen=True)
class Scale:
    temporary_orgs: int
    teams: tuple[int, int, int, int]  # shock, vanguard, emergency, volunteer
    posts: int
    zones: int
    compounds: int
    buildings: int  # per compound
    units: int  # per building
    gaps: int  # nodes without a lead
    duty_teams: int  # teams on duty every day, `duty_size` people each
    duty_size: int
    duty_days: int
    volunteer_events: int
    registrations: int
    admitted: dict[str, int] = field(default_factory=dict)  # new frontline admissions by category
    applied_only: int = 0  # new frontline applicants not (yet) admitted
    bulletins: tuple[int, ...] = ()  # individuals per bulletin
    collectives: int = 0  # per bulletin


SCALES = {
    "small": Scale(temporary_orgs=3, teams=(2, 2, 1, 1), posts=8, zones=4, compounds=2, buildings=3, units=2,
                   gaps=4, duty_teams=2, duty_size=4, duty_days=10, volunteer_events=4, registrations=3,
                   bulletins=(3,), collectives=3),
    "county": Scale(temporary_orgs=60, teams=(120, 100, 60, 40), posts=600, zones=400, compounds=40, buildings=4,
                    units=2, gaps=50, duty_teams=20, duty_size=5, duty_days=30, volunteer_events=60, registrations=80,
                    admitted={"medical": 4, "police": 2, "community_worker": 3, "village_cadre": 1}, applied_only=30,
                    bulletins=(8, 7, 5), collectives=5),
    "city": Scale(temporary_orgs=753, teams=(1500, 1200, 796, 400), posts=7000, zones=5000, compounds=300, buildings=5,
                  units=2, gaps=500, duty_teams=220, duty_size=5, duty_days=30, volunteer_events=600, registrations=800,
                  admitted={"medical": 19, "police": 8, "community_worker": 15, "village_cadre": 10, "other": 6},
                  applied_only=184, bulletins=(14, 14, 14, 14, 14, 14, 14, 14, 10), collectives=10),
}  # fmt: skip


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng: random.Random) -> str:
    return (
        rng.choice(("138", "139", "150", "151", "158", "186", "187", "188"))
        + f"{rng.randint(0, 99999999):08d}"
    )


class _Pool:
    """Orgs of the demo tree, and their members as of a day, read once.

    Members are chosen by the day the work is done, not by today's standing: a campaign of 2020
    may only name people who were full members (正式党员) in 2020 as secretaries, seconded members,
    post holders and party members of its teams (people.membership).
    """

    def __init__(self, root: Org, regions: list[str]):
        self.regions = regions  # the ID-number region code of each county, in tree order
        self.root = root
        self.orgs = {
            o.pk: o for o in Org.objects.filter(path__startswith=root.path, dissolved_on__isnull=True)
        }
        self.by_path = {o.path: o for o in self.orgs.values()}
        self.branches = sorted(
            (o for o in self.orgs.values() if o.kind == OrgKind.BRANCH), key=lambda o: o.path
        )
        self.committees = sorted(
            (o for o in self.orgs.values() if o.has_approval_authority and not o.is_local_committee),
            key=lambda o: o.path,
        )
        self._sizes: dict[tuple, dict[int, int]] = {}
        self._members: dict[tuple, list[Person]] = {}

    @staticmethod
    def _q(on: dt.date, through: dt.date | None) -> Q:
        # Full members on `on` who are still members on `through` (the work lasts that long).
        return full_member_on_q(on) & member_on_q(through or on)

    def sizes(self, on: dt.date, through: dt.date | None = None) -> dict[int, int]:
        """Full members (正式党员) of each org on `on` (and still members on `through`)."""
        if (on, through) not in self._sizes:
            self._sizes[(on, through)] = dict(
                Person.objects.filter(self._q(on, through), org__path__startswith=self.root.path)
                .values_list("org_id")
                .annotate(n=Count("id"))
                .order_by()
            )
        return self._sizes[(on, through)]

    def members(
        self, orgs: list[Org], on: dt.date, through: dt.date | None = None
    ) -> dict[int, list[Person]]:
        """Up to MEMBERS_PER_ORG people of each org who were full members on `on` and still members
        on `through` (loaded once per org and days, lowest ids first).

        A window function keeps the first few per org: building a model instance for each of the
        city's 134,000 members would cost seconds.
        """
        key = (on, through)
        missing = [o.pk for o in orgs if (key, o.pk) not in self._members]
        rank = Window(RowNumber(), partition_by=F("org_id"), order_by=F("id").asc())
        for start in range(0, len(missing), 900):
            chunk = missing[start : start + 900]
            for pk in chunk:
                self._members[(key, pk)] = []
            for person in (
                Person.objects.filter(self._q(on, through), org_id__in=chunk)
                .annotate(rank=rank)
                .filter(rank__lte=MEMBERS_PER_ORG)
                .only(
                    "id",
                    "org_id",
                    "name",
                    "admitted_on",
                    "converted_on",
                    "on_probation_watch",
                    "standing",
                    "reduction",
                    "reduced_on",
                )
                .order_by("id")
            ):
                self._members[(key, person.org_id)].append(person)
        return {o.pk: self._members[(key, o.pk)] for o in orgs}

    def approver(self, org: Org) -> Org:
        for end in range(len(org.path), 0, -Org.steplen):
            node = self.by_path.get(org.path[:end])
            if node is not None and node.has_approval_authority:
                return node
        return self.by_path[org.path[: Org.steplen]]


def _spread(rng: random.Random, items: list, n: int) -> list:
    """`n` items picked round-robin from a shuffled copy (repeats once the list is used up)."""
    if not items:
        return []
    order = items[:]
    rng.shuffle(order)
    return [order[i % len(order)] for i in range(n)]
