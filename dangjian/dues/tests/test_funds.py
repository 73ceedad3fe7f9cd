"""上缴, 下拨, spending, requests and the books: every outflow within the balance, collective
decisions, earmarks, the next-higher org only; `dangjian dues check`; seed 001's 575.45万元."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.documents.briefing import compose
from dangjian.documents.selectors import Period, briefing_figures
from dangjian.dues import aggregates, selectors, services
from dangjian.dues.models import Allocation, FundRequest, OrgMonth, RequestStatus
from dangjian.dues.services import LineIn, PaymentEntry
from dangjian.dues.tests.conftest import D, decision, m
from dangjian.mobilization.services import campaign_create


def closing(org) -> int:
    return (
        OrgMonth.objects.filter(org=org).order_by("-month").values_list("closing_fen", flat=True).first() or 0
    )


OCTOBER = m("2026-10")


def collect(world, members, month=OCTOBER):
    services.month_open(actor=world.secretary, org=world.branch_a1_1, month=month)
    services.payments_record(
        actor=world.secretary, org=world.branch_a1_1, paid_on=D(2026, 10, 8), way="cash",
        entries=[PaymentEntry(person=p, first_month=month) for p in (members["in_service"], members["retired"])],
    )  # fmt: skip


def test_hand_ups_go_to_the_next_higher_org_and_balance(world, branch_members):
    w = world
    collect(w, branch_members)  # 45 + 60 = 105.00
    suggestion = selectors.handup_suggestion(w.branch_a1_1, m("2026-10"), m("2026-12"))
    assert (suggestion.percent, suggestion.amount, suggestion.parent) == (
        100,
        Decimal("105.00"),
        "东城镇党委",
    )
    with pytest.raises(ValidationError, match="党费结余不足"):
        services.handup_record(actor=w.secretary, org=w.branch_a1_1, handed_on=D(2026, 10, 10), amount="105.01",
                               period_from=m("2026-10"), period_to=m("2026-10"))  # fmt: skip
    assert closing(w.branch_a1_1) == 10500 and closing(w.town_a1) == 0  # nothing changed
    h = services.handup_record(actor=w.secretary, org=w.branch_a1_1, handed_on=D(2026, 10, 10), amount="105",
                               period_from=m("2026-10"), period_to=m("2026-10"))  # fmt: skip
    assert h.to_org == w.town_a1
    assert (closing(w.branch_a1_1), closing(w.town_a1)) == (0, 10500)
    town = selectors.handup_suggestion(w.town_a1, m("2026-10"), m("2026-12"))
    assert (town.percent, town.amount) == (50, Decimal("52.50"))
    services.handup_record(actor=w.organizer, org=w.town_a1, handed_on=D(2026, 10, 20), amount="52.50",
                           period_from=m("2026-10"), period_to=m("2026-10"))  # fmt: skip
    with pytest.raises(ValidationError, match="接收党费的上级党委组织部门"):
        services.handup_record(actor=w.admin, org=w.city, handed_on=D(2026, 10, 20), amount="1",
                               period_from=m("2026-10"), period_to=m("2026-10"))  # fmt: skip
    with pytest.raises(ValidationError, match="不能超过上缴金额"):
        services.handup_record(actor=w.organizer, org=w.town_a1, handed_on=D(2026, 10, 20), amount="1",
                               centre_amount="2", period_from=m("2026-10"), period_to=m("2026-10"))  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.handup_record(actor=w.secretary, org=w.town_a1, handed_on=D(2026, 10, 20), amount="1",
                               period_from=m("2026-10"), period_to=m("2026-10"))  # fmt: skip
    assert aggregates.check() == []


def _funded(world):
    services.fund_opening_set(actor=world.admin, org=world.city, month=m("2020-01"), amount="6000000")
    services.fund_opening_set(actor=world.admin, org=world.county_a, month=m("2020-01"), amount="3000000")
    services.fund_opening_set(actor=world.admin, org=world.county_b, month=m("2020-01"), amount="3000000")


def test_seed_001_city_and_county_allocations_make_575_45_wan_in_the_briefing(world):
    """ "统筹市、县组织部门及时划拨575.45万元党费，慰问……支持基层党组织……补助因'疫'致贫的……"."""
    w = world
    _funded(w)
    campaign = campaign_create(actor=None, org=w.city, name="新冠肺炎疫情防控", kind="epidemic",
                               starts_on=D(2020, 1, 24), code="YQFK")  # fmt: skip
    city = decision(w.city, on=D(2020, 1, 27))
    support = services.allocation_record(
        actor=w.admin, org=w.city, purpose="support", title="支持基层党组织开展疫情防控", allocated_on=D(2020, 1, 28),
        meeting=city, campaign=campaign, earmark="专款专用于疫情防控",
        lines=[LineIn(amount="1000000", org=w.county_a), LineIn(amount="1000000", org=w.county_b)],
    )  # fmt: skip
    services.allocation_record(
        actor=w.admin, org=w.city, purpose="visit", title="慰问战斗在防控一线的医务工作者", allocated_on=D(2020, 1, 28),
        meeting=city, campaign=campaign,
        lines=[LineIn(amount="2000", person=w.people["county_b"], note="一线医务人员"),
               LineIn(amount="798000", recipient="市级定点医院一线医务人员")],
    )  # fmt: skip
    services.allocation_record(
        actor=w.admin, org=w.city, purpose="subsidy", title="补助因“疫”致贫的党员、干部和群众", allocated_on=D(2020, 1, 28),
        meeting=city, campaign=campaign, lines=[LineIn(amount="200000", recipient="因疫致贫困难群众")],
    )  # fmt: skip
    county = decision(w.county_a, on=D(2020, 1, 29))
    services.allocation_record(
        actor=w.admin, org=w.county_a, purpose="support", title="县级党费支持乡镇", allocated_on=D(2020, 1, 30),
        meeting=county, campaign=campaign, lines=[LineIn(amount="2754500", org=w.town_a1)],
    )  # fmt: skip
    # the county passes the city's support on: not new money
    services.allocation_record(
        actor=w.admin, org=w.county_a, purpose="support", title="转拨市级下拨", allocated_on=D(2020, 2, 3),
        meeting=county, campaign=campaign, source=support, lines=[LineIn(amount="1000000", org=w.town_a1)],
    )  # fmt: skip
    text = compose(briefing_figures(w.city, Period(D(2020, 1, 1), D(2020, 3, 31))))
    assert "统筹市、县组织部门及时划拨575.45万元党费" in text
    assert "支持基层党组织475.45万元" in text and "慰问80万元" in text and "补助20万元" in text
    figures = selectors.dues_figures(w.admin, w.city, m("2020-01"), m("2020-03"))
    assert figures.allocated == Decimal("5754500.00") and figures.passed_on == Decimal("1000000.00")
    dashboard = selectors.campaign_allocations(w.admin, campaign)
    assert dashboard.total == Decimal("5754500.00")
    assert aggregates.check() == []


def test_allocations_need_a_collective_decision_the_balance_and_lower_orgs(world):
    w = world
    _funded(w)
    meeting = decision(w.city, on=D(2026, 1, 5))
    other = decision(w.county_a, on=D(2026, 1, 5))
    kwargs = dict(actor=w.admin, org=w.city, purpose="support", title="支持", allocated_on=D(2026, 2, 1))
    cases = [
        ({"meeting": other, "lines": [LineIn(amount="1", org=w.county_a)]}, "应是“广安市委”召开的会议"),
        ({"meeting": meeting, "lines": [LineIn(amount="1", recipient="张三")]}, "下拨对象应是党组织"),
        ({"meeting": meeting, "lines": [LineIn(amount="1", org=w.city)]}, "不是本组织的下级党组织"),
        ({"meeting": meeting, "lines": [LineIn(amount="-1", org=w.county_a)]}, "不能为负数"),
        ({"meeting": meeting, "lines": [LineIn(amount="6000000.01", org=w.county_a)]}, "党费结余不足"),
        ({"meeting": meeting, "lines": []}, "请填写下拨对象"),
    ]
    for extra, message in cases:
        with pytest.raises(ValidationError, match=message):
            services.allocation_record(**kwargs, **extra)
    assert not Allocation.objects.exists() and closing(w.city) == 600000000


def test_earmarked_money_is_spent_for_its_purpose_and_unspent_money_stays_visible(world):
    w = world
    _funded(w)
    meeting = decision(w.county_a, on=D(2026, 1, 5))
    allocation = services.allocation_record(
        actor=w.admin, org=w.county_a, purpose="training", title="培训经费", allocated_on=D(2026, 2, 1), meeting=meeting,
        lines=[LineIn(amount="5000", org=w.town_a1)],
    )  # fmt: skip
    with pytest.raises(ValidationError, match="专款专用"):
        services.spending_record(actor=w.organizer, org=w.town_a1, spent_on=D(2026, 3, 1), amount="10",
                                 description="慰问", purpose="visit", allocation=allocation)  # fmt: skip
    with pytest.raises(ValidationError, match=r"尚未使用的5000\.00元"):
        services.spending_record(actor=w.organizer, org=w.town_a1, spent_on=D(2026, 3, 1), amount="5000.01",
                                 description="培训", allocation=allocation)  # fmt: skip
    services.spending_record(actor=w.organizer, org=w.town_a1, spent_on=D(2026, 3, 1), amount="3000",
                             description="党员培训教材", allocation=allocation)  # fmt: skip
    [earmark] = selectors.earmarks_of(w.town_a1)
    assert (earmark.received, earmark.used, earmark.unspent) == (Decimal("5000.00"), Decimal("3000.00"),
                                                                 Decimal("2000.00"))  # fmt: skip
    detail = selectors.allocation_detail(w.admin, allocation)
    assert detail.unspent == Decimal("2000.00")
    with pytest.raises(ValidationError, match="研究决定的会议"):
        services.spending_record(actor=w.organizer, org=w.town_a1, spent_on=D(2026, 3, 1), amount="1",
                                 description="本级使用", purpose="education")  # fmt: skip
    assert aggregates.check() == []


def test_a_request_goes_to_the_next_higher_org_only(world):
    w = world
    _funded(w)
    with pytest.raises(ValidationError, match=r"只能向上一级党组织（甲县委）提出，不得越级"):
        services.fund_request_create(actor=w.organizer, org=w.town_a1, to_org=w.city, amount="1000",
                                     purpose="support", reason="防控物资")  # fmt: skip
    request = services.fund_request_create(actor=w.organizer, org=w.town_a1, amount="1000", purpose="support",
                                           reason="防控物资")  # fmt: skip
    assert request.to_org == w.county_a
    allocation = services.allocation_record(
        actor=w.admin, org=w.county_a, purpose="support", title="批准东城镇申请", allocated_on=D(2026, 11, 2),
        meeting=decision(w.county_a, on=D(2026, 11, 1)), lines=[LineIn(amount="1000", org=w.town_a1)], request=request,
    )  # fmt: skip
    request.refresh_from_db()
    assert (request.status, request.allocation) == (RequestStatus.GRANTED, allocation)
    second = services.fund_request_create(
        actor=w.organizer, org=w.town_a1, amount="5", purpose="visit", reason="慰问"
    )
    with pytest.raises(PermissionDenied):
        services.fund_request_decline(actor=w.organizer, request=second, note="不同意")
    services.fund_request_decline(actor=w.admin, request=second, note="经费已统筹")
    assert FundRequest.objects.get(pk=second.pk).status == RequestStatus.DECLINED


def test_check_names_the_org_and_month_of_any_imbalance(world, branch_members):
    w = world
    collect(w, branch_members)
    call_command("dues", "check", stdout=io.StringIO())
    OrgMonth.objects.filter(org=w.branch_a1_1, month=m("2026-10")).update(closing_fen=1)
    problems = aggregates.describe(aggregates.check())
    assert any(p.startswith("东城镇第一党支部 2026-10：收支不平衡") for p in problems), problems
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("dues", "check", stderr=err)
    assert exc.value.returncode == 1
    assert "东城镇第一党支部 2026-10" in err.getvalue()
    call_command("dues", "rebuild", stdout=io.StringIO())
    assert aggregates.check() == []
    # a payment changed behind the application's back is named too
    from dangjian.dues.models import DuesPayment

    DuesPayment.objects.filter(person=branch_members["retired"]).update(amount_fen=5000)
    assert any("实交" in p or "收缴" in p for p in aggregates.describe(aggregates.check()))
