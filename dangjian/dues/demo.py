"""党费 for the demo jurisdiction: twelve months of dues (norms, the ledger, payments with some
arrears, partial and quarterly payments, voluntary payments, one of them ≥ 1000 yuan for the Centre),
上缴 every quarter at every level up to the province, a hardship exemption (the branch's meeting and
the town committee's approval), a 党章第九条 case left for the branch and one decided, and the 2020
campaign's allocations as seed 001 reports them ("统筹市、县组织部门及时划拨575.45万元党费").

The months go in through the bulk service (`services.dues_bulk_load`: the same checks, plain
rows); the 2020 allocations, the relief and the decisions through the single services. At county and
city scale (more than LEDGER_LIMIT members) the ledger covers the first county's (区) first towns, up
to CITY_LEDGER_MEMBERS members; the other towns and counties take part in the 2020 allocations, and
hand-ups reach the county, the city and the province from the covered towns.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable

from django.db.models import Count, Q
from django.db.models.functions import Substr

from dangjian.dues import services
from dangjian.dues.models import DuesCategory, FundOpening, OrgMonth, PaymentKind, PaymentWay
from dangjian.dues.months import month_end, month_of, month_start
from dangjian.dues.orgs import handup_level, holds_funds
from dangjian.dues.rules import DuesRules, int_param
from dangjian.meetings.services import meeting_record
from dangjian.orgs.models import BRANCH_KINDS, GROUP_KINDS, TEMPORARY_KINDS, Org, OrgKind, UnitType, subtree_q
from dangjian.people.models import MEMBER_STANDINGS, Category, Person

# Members: above it (the county and city scales) only the first county's first towns keep the full
# ledger, up to as many members, so the demo stays quick.
LEDGER_LIMIT = CITY_LEDGER_MEMBERS = 12000
MONTHS = 12
WAYS = (PaymentWay.WECHAT, PaymentWay.WECHAT, PaymentWay.ALIPAY, PaymentWay.CASH, PaymentWay.TRANSFER,
        PaymentWay.PAYROLL)  # fmt: skip
PROVINCE = "中共四川省委组织部"
ALLOCATION_DAY = dt.date(2020, 1, 28)
SEED_TOTAL_FEN = 575_4500_00  # 575.45万元: the city's and the counties' allocations together
CITY_SHARE_FEN = 300_0000_00


def _text(fen: int) -> str:
    """Whole fen as a yuan string (never through float)."""
    return f"{fen // 100}.{fen % 100:02d}"


def _category(person_category: str, unit: str, rng: random.Random) -> tuple[str, int | None, str | None]:
    """(dues category, income in fen or None, flat yuan or None) for a demo member."""
    if person_category == Category.RETIRED:
        return DuesCategory.RETIRED, rng.randrange(2500, 9000) * 100, None
    if person_category == Category.STUDENT:
        return DuesCategory.STUDENT, None, None
    if person_category in (Category.FARMER, Category.RETURNED_MIGRANT) or (
        unit == UnitType.VILLAGE and person_category in (Category.OTHER, Category.RURAL_ENTREPRENEUR)
    ):
        roll = rng.random()
        if roll < 0.04:
            return DuesCategory.SUBSISTENCE, None, None
        return DuesCategory.FARMER, None, rng.choice(("0.20", "0.50", "1.00"))
    if rng.random() < 0.03:
        return DuesCategory.UNEMPLOYED, None, None
    if person_category == Category.ENTERPRISE_STAFF and rng.random() < 0.15:
        return DuesCategory.ANNUAL_SALARY, rng.randrange(6000, 25000) * 100, None
    if person_category == Category.RURAL_ENTREPRENEUR:
        return DuesCategory.SELF_EMPLOYED, rng.randrange(3000, 12000) * 100, None
    low, high = (2000, 4500) if person_category == Category.VILLAGE_CADRE else (2800, 14000)
    return DuesCategory.IN_SERVICE, rng.randrange(low, high) * 100 + rng.choice((0, 0, 50, 37)), None


def _secretary_branch() -> Org | None:
    """The demo 支部书记's branch (shell/demo/load.py picks the same): the first village branch of the
    first town committee that approves admissions."""
    town = (
        Org.objects.filter(depth=3, has_approval_authority=True, kind=OrgKind.COMMITTEE)
        .order_by("path")
        .first()
    )
    if town is None:
        return None
    below = Org.objects.filter(path__startswith=town.path, kind=OrgKind.BRANCH).order_by("path")
    return below.filter(unit_type=UnitType.VILLAGE).first() or below.first()


def _covered(root: Org, members: int) -> list[Org]:
    """Where the full ledger goes: the whole tree, or (county and city scales) the first county's first
    towns (街道、乡镇) up to CITY_LEDGER_MEMBERS members."""
    if members <= LEDGER_LIMIT:
        return [root]
    county = Org.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path").first()
    if county is None:
        return [root]
    towns = list(Org.objects.filter(path__startswith=county.path, depth=county.depth + 1).order_by("path"))
    counts = dict(
        Person.objects.filter(org__path__startswith=county.path, standing__in=sorted(MEMBER_STANDINGS), reduction="")
        .annotate(town=Substr("org__path", 1, len(county.path) + Org.steplen)).values_list("town")
        .annotate(n=Count("id")).order_by()
    )  # fmt: skip
    chosen, total = [], 0
    for town in towns:
        n = counts.get(town.path, 0)
        if chosen and total + n > CITY_LEDGER_MEMBERS:
            break
        chosen.append(town)
        total += n
    return chosen or [county]


def _within(roots: list[Org]) -> Q:
    q = Q(pk__in=[])
    for root in roots:
        q |= subtree_q(root.path)
    return q


_STARTS: dict[int, dt.date] = {}


def _day(month: int, rng: random.Random, today: dt.date, low: int = 1, high: int = 25) -> dt.date | None:
    start = _STARTS.get(month) or _STARTS.setdefault(month, month_start(month))
    day = start.replace(day=low + int(rng.random() * (high - low + 1)))
    return day if day <= today else None


def load_dues_demo(
    rng: random.Random, today: dt.date, *, log: Callable[[str], None] = lambda _m: None
) -> dict[str, int]:
    """Load the demo dues (see the module docstring); returns the rows loaded by kind."""
    root = Org.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return {}
    log("载入党费演示数据……")
    _allocations_2020(root, rng)
    total = Person.objects.filter(standing__in=sorted(MEMBER_STANDINGS), reduction="").count()
    counts = load_ledger(rng, today, _covered(root, total))
    log(f"已载入党费：{counts['norms']}个党费标准，{counts['months']}条月度应交，{counts['payments']}条交纳记录，"
        f"{counts['handups']}笔上缴。")  # fmt: skip
    return counts


def load_ledger(rng: random.Random, today: dt.date, covered: list[Org]) -> dict[str, int]:
    """Twelve months of dues for the subtrees of `covered` (norms, ledger, payments, quarterly
    hand-ups up to the province), a relief and a 党章第九条 decision in them; returns the rows loaded."""
    current = month_of(today)
    first = current - MONTHS + 1
    tree = {o.pk: o for o in Org.objects.filter(_within(covered)).only(
        "id", "path", "kind", "depth", "name", "unit_type", "is_local_committee", "dissolved_on")}  # fmt: skip
    by_path = {o.path: o for o in tree.values()}

    def collecting(org: Org) -> Org | None:
        while org is not None and org.kind in GROUP_KINDS:
            org = by_path.get(org.path[: -Org.steplen])
        return org if org is not None and org.kind not in TEMPORARY_KINDS else None

    people = list(
        Person.objects.filter(org_id__in=list(tree), standing__in=sorted(MEMBER_STANDINGS), reduction="")
        .order_by("id").values_list("pk", "org_id", "category", "admitted_on")
    )  # fmt: skip
    secretary = _secretary_branch()
    if secretary is not None and not any(secretary.path.startswith(c.path) for c in covered):
        secretary = None
    data = services.BulkDues(first=first, last=current)
    orgs: dict[int, Org] = {}
    plans = []  # (person, org, first owed month, dues category)
    for pk, org_id, category, admitted in people:
        org = collecting(tree[org_id])
        if org is None:
            continue
        orgs[org.pk] = org
        begin = max(first, month_of(admitted) if admitted else first)
        if begin > current:
            continue
        dues_category, income, flat = _category(category, tree[org_id].unit_type, rng)
        data.norms.append((pk, dues_category, begin, None if income is None else _text(income), flat))
        if income is not None and rng.random() < 0.04 and begin < current - 2:
            raise_from = rng.randint(begin + 1, current - 1)  # a raise: the new base from the month it starts
            data.norms.append((pk, dues_category, raise_from, _text(income * 11 // 10), flat))
        plans.append((pk, org.pk, begin))
    data.orgs = sorted(orgs.values(), key=lambda o: o.path)
    # who pays how: most monthly, some by the quarter, a few behind (arrears), a few partly
    lapsed = relief_person = None
    secretary_members = [p for p in plans if secretary and p[1] == secretary.pk]
    if len(secretary_members) >= 3:
        lapsed = secretary_members[-1][0]  # seven months without paying: 党章第九条, for the branch to decide
        relief_person = secretary_members[-2][0]  # a hardship exemption (recorded after the load)
    relief_months = set(range(current - 8, current + 1))
    collected: dict[tuple[int, int], int] = defaultdict(int)
    centre: dict[tuple[int, int], int] = defaultdict(int)
    voluntary_left = 6  # members who pay more than their dues, one of them 2000 yuan (all to the Centre)
    voluntary = {p for p, _o, _b in rng.sample(plans, min(voluntary_left, len(plans)))}
    for pk, _org_id, begin in plans:
        roll = rng.random()
        stop = current + 1
        if pk == lapsed:
            stop = current - 7
        elif roll < 0.035:
            stop = current - rng.randint(2, 8)  # stopped paying some months ago
        quarterly = rng.random() < 0.12
        for month in range(begin, min(stop, current + 1)):
            if pk == relief_person and month in relief_months:
                continue
            if quarterly:
                quarter_start = max(begin, month - month % 3)
                paid_on = _day(quarter_start, rng, today, 3, 12) if month >= quarter_start else None
            else:
                paid_on = _day(month, rng, today)
            if paid_on is None:
                continue
            fen = None
            if rng.random() < 0.01:
                fen = 10  # a partial payment of 0.10 yuan: the rest is still owed
            data.payments.append(
                (pk, month, paid_on, fen, rng.choice(WAYS), "支部组织委员", PaymentKind.DUES)
            )
        if pk in voluntary and stop > current:
            voluntary_left -= 1
            amount = 2000_00 if voluntary_left == 5 else rng.choice((100_00, 200_00, 500_00, 999_99))
            paid_on = _day(current - 3, rng, today)
            if paid_on is not None:
                data.payments.append((pk, current - 3, paid_on, amount, PaymentWay.TRANSFER, "支部组织委员",
                                      PaymentKind.VOLUNTARY))  # fmt: skip
    # what each org collects, by fund month, for the hand-ups (a partial or full due: the bulk load
    # prices the months; here the amounts are read back the same way)
    counts = services.dues_bulk_load(actor=None, data=data, log_message="演示数据：十二个月的党费")
    for org_id, month, fen, centre_fen in OrgMonth.objects.filter(month__gte=first).values_list(
        "org_id", "month", "collected_fen", "centre_fen"
    ):
        collected[(org_id, month)] += fen
        centre[(org_id, month)] += centre_fen
    handups = _handups(covered, tree, collected, centre, first, current, today)
    services.dues_bulk_load(
        actor=None, data=services.BulkDues(first=first, last=current, handups=handups),
        log_message="演示数据：各级党组织按季度上缴党费",
    )  # fmt: skip
    counts["handups"] = len(handups)
    if relief_person is not None:
        _relief(secretary, relief_person, min(relief_months), current, today)
    _lapse_decision(covered, today)
    return counts


def _handups(
    covered: list[Org], tree: dict, collected, centre, first: int, current: int, today: dt.date
) -> list[tuple]:
    """Every completed quarter, bottom-up: each org hands its level's share (R-DUES-HANDUP) of what it
    collected and was handed from below, and all the money for the Centre, to the next org up."""
    rules = DuesRules()
    chain = [
        o
        for o in Org.objects.filter(path__in={c.path[:i] for c in covered for i in range(4, len(c.path), 4)})
    ]
    holders = sorted(
        [o for o in [*tree.values(), *chain] if holds_funds(o) and o.dissolved_on is None],
        key=lambda o: (-o.depth, o.path),
    )
    by_path = {o.path: o for o in holders}

    def parent_of(org: Org) -> Org | None:
        path = org.path[: -Org.steplen]
        while path:
            if path in by_path:
                return by_path[path]
            path = path[: -Org.steplen]
        return None

    out = []
    quarter = first - first % 3 + (3 if first % 3 else 0)
    days = {"branch_percent": 5, "grassroots_percent": 12, "county_percent": 18, "city_percent": 25}
    while quarter + 2 < current:
        months = range(quarter, quarter + 3)
        handed_on_month = quarter + 3
        received: dict[int, int] = defaultdict(int)
        received_centre: dict[int, int] = defaultdict(int)
        for org in holders:
            level = handup_level(org)
            day = month_start(handed_on_month) + dt.timedelta(days=days[level] - 1)
            if day > today:
                continue
            rule = rules.rule(org, "R-DUES-HANDUP", today)
            percent = min(100, int_param(rule, level, 100))
            own = sum(collected.get((org.pk, m), 0) for m in months)
            own_centre = sum(centre.get((org.pk, m), 0) for m in months)
            base = own - own_centre + received[org.pk] - received_centre[org.pk]
            to_centre = own_centre + received_centre[org.pk]
            amount = base * percent // 100 + to_centre
            if amount <= 0:
                continue
            parent = parent_of(org)
            out.append((org, day, amount, to_centre, quarter, quarter + 2, "" if parent else PROVINCE))
            if parent is not None:
                received[parent.pk] += amount
                received_centre[parent.pk] += to_centre
        quarter += 3
    return out


def _meeting(org: Org, day: dt.date, topic: str):
    kind = "branch_committee" if org.kind in BRANCH_KINDS else "party_committee"
    return meeting_record(
        actor=None,
        org=org,
        kind=kind,
        held_on=day,
        expected_voters=5,
        present_voters=5,
        title=topic,
        topic=topic,
    )


def _allocations_2020(root: Org, rng: random.Random) -> None:
    """The 2020 campaign: the city and its counties allocate 575.45万元 of dues (seed 001) to 慰问
    front-line medical workers, 支持 grassroots orgs and 补助 those in hardship because of the
    epidemic; the counties pass the city's support on to their towns, which report what they spent."""
    from dangjian.mobilization.models import Campaign

    campaign = Campaign.objects.filter(code="YQFK-2020").first()
    counties = list(Org.objects.filter(path__startswith=root.path, depth=root.depth + 1, kind=OrgKind.COMMITTEE)
                    .order_by("path"))  # fmt: skip
    if not counties or FundOpening.objects.filter(org=root).exists():
        return
    start = month_of(dt.date(2020, 1, 1))
    services.fund_opening_set(actor=None, org=root, month=start, amount="6000000", note="2020年初党费结余")
    for county in counties:
        services.fund_opening_set(
            actor=None, org=county, month=start, amount="3000000", note="2020年初党费结余"
        )
    decided = _meeting(root, dt.date(2020, 1, 27), "研究下拨党费支持疫情防控工作")
    support = CITY_SHARE_FEN * 2 // 3
    each, rest = divmod(support, len(counties))
    city_support = services.allocation_record(
        actor=None, org=root, purpose="support", title="下拨党费支持基层党组织开展疫情防控工作", allocated_on=ALLOCATION_DAY,
        meeting=decided, campaign=campaign, earmark="用于基层党组织购买防控药品和物资，专款专用",
        lines=[services.LineIn(amount=_text(each + (rest if i == 0 else 0)), org=c, note="支持疫情防控")
               for i, c in enumerate(counties)],
    )  # fmt: skip
    medical = list(
        Person.objects.filter(subtree_q(root.path, "org__path"), category=Category.MEDICAL,
                              standing__in=sorted(MEMBER_STANDINGS)).select_related("org").order_by("id")[:8]
    )  # fmt: skip
    visit = CITY_SHARE_FEN // 4
    lines = [services.LineIn(amount="2000", person=p, note="战斗在防控一线的医务工作者") for p in medical]
    used = 2000_00 * len(lines)
    lines.append(services.LineIn(amount=_text(visit - used), recipient="市级定点医院一线医务人员",
                                 note="慰问一线医务工作者和党员、干部"))  # fmt: skip
    services.allocation_record(
        actor=None, org=root, purpose="visit", title="慰问战斗在防控一线的医务工作者和党员、干部", allocated_on=ALLOCATION_DAY,
        meeting=decided, campaign=campaign, lines=lines,
    )  # fmt: skip
    services.allocation_record(
        actor=None, org=root, purpose="subsidy", title="补助因“疫”致贫的党员、干部和群众", allocated_on=ALLOCATION_DAY,
        meeting=decided, campaign=campaign,
        lines=[services.LineIn(amount=_text(CITY_SHARE_FEN - support - visit), recipient="因疫致贫困难群众",
                               note="因“疫”致贫")],
    )  # fmt: skip
    county_total = SEED_TOTAL_FEN - CITY_SHARE_FEN
    each, rest = divmod(county_total, len(counties))
    for i, county in enumerate(counties):
        below = Org.objects.filter(
            path__startswith=county.path, depth=county.depth + 1, dissolved_on__isnull=True
        )
        towns = list(
            below.filter(kind__in=(OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE)).order_by("path")[:4]
        ) or [o for o in below.order_by("path")[:4] if holds_funds(o)]
        if not towns:
            continue
        meeting = _meeting(county, dt.date(2020, 1, 29), "研究下拨党费支持疫情防控工作")
        amount = each + (rest if i == 0 else 0)
        share, extra = divmod(amount, len(towns))
        services.allocation_record(
            actor=None, org=county, purpose="support", title="县级党费支持乡镇党委开展疫情防控", allocated_on=dt.date(2020, 1, 30),
            meeting=meeting, campaign=campaign, earmark="专款专用于疫情防控",
            lines=[services.LineIn(amount=_text(share + (extra if j == 0 else 0)), org=t, note="疫情防控")
                   for j, t in enumerate(towns)],
        )  # fmt: skip
        got = next(line.amount_fen for line in city_support.lines.all() if line.to_org_id == county.pk)
        passed = services.allocation_record(
            actor=None, org=county, purpose="support", title="转拨市委组织部下拨的疫情防控党费", allocated_on=dt.date(2020, 2, 3),
            meeting=meeting, campaign=campaign, source=city_support,
            lines=[services.LineIn(amount=_text(got // len(towns)), org=t, note="转拨") for t in towns],
        )  # fmt: skip
        for town in towns[:2]:  # the first two towns report their use; the others' money stays unspent
            town_meeting = _meeting(town, dt.date(2020, 2, 6), "研究使用上级下拨的疫情防控党费")
            services.spending_record(
                actor=None, org=town, spent_on=dt.date(2020, 2, 10), amount=_text(got // len(towns) * 6 // 10),
                description="购买口罩、消毒液等防控物资", allocation=passed, meeting=town_meeting,
            )  # fmt: skip


def _relief(branch: Org, person_id: int, first: int, current: int, today: dt.date) -> None:
    """A hardship exemption: the branch's committee decides, the town committee approves."""
    held = max(month_start(first), today - dt.timedelta(days=300))
    meeting = _meeting(branch, held, "研究困难党员免交党费")
    relief = services.relief_request(
        actor=None, person=person_id, kind="exempt", from_month=first, to_month=min(first + 11, current + 3),
        reason="因病致贫，家庭收入低于当地最低生活保障标准", meeting=meeting,
    )  # fmt: skip
    services.relief_decide(
        actor=None, relief=relief, approve=True, decided_on=min(today, held + dt.timedelta(days=10)),
        reference="镇党委〔党费〕1号", note="同意免交",
    )  # fmt: skip


def _lapse_decision(covered: list[Org], today: dt.date) -> None:
    """One branch records what it decided about a member six months behind; the rest stay on the list."""
    from dangjian.dues.arrears import arrears_rows, last_closed_month

    through = last_closed_month(today)
    found = arrears_rows(Q(org_id__in=[o.pk for o in Org.objects.filter(_within(covered))]), through)
    secretary = _secretary_branch()
    for entry in sorted(found.values(), key=lambda a: a.person_id):
        _first, run = entry.run(through)
        if run >= 6 and (secretary is None or entry.org_id != secretary.pk):
            org = Org.objects.get(pk=entry.org_id)
            meeting = _meeting(org, min(today, month_end(through)), "研究党员长期未交纳党费问题")
            services.lapse_decide(
                actor=None, person=entry.person_id, outcome="educate", meeting=meeting,
                reason="本人外出务工，经谈话表示愿意补交，给予批评教育，限期三个月内补交",
            )  # fmt: skip
            return
