"""Opening a month, recording payments (monthly, in advance, partly, voluntary), reversing; norms,
reliefs, arrears and 党章第九条; bad input changes nothing; temporary orgs collect no dues."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import ChangeRecord
from dangjian.conftest import make_person
from dangjian.dues import aggregates, selectors, services
from dangjian.dues.models import DuesMonth, DuesNorm, DuesPayment, LapseDecision, OrgMonth, ReliefStatus
from dangjian.dues.services import PaymentEntry
from dangjian.dues.tests.conftest import THIS_MONTH, D, decision, m
from dangjian.orgs.services import org_create

NOV_5 = D(2026, 11, 5)


def pay(
    world,
    person,
    month,
    *,
    months=1,
    amount=None,
    voluntary=None,
    paid_on=NOV_5,
    org=None,
    actor=None,
):
    return services.payments_record(
        actor=actor or world.secretary, org=org or world.branch_a1_1, paid_on=paid_on, way="wechat",
        entries=[PaymentEntry(person=person, first_month=month, months=months, amount=amount, voluntary=voluntary)],
    )  # fmt: skip


def snapshot():
    return (DuesMonth.objects.count(), DuesPayment.objects.count(), list(OrgMonth.objects.values_list(
        "org_id", "month", "paid_fen", "collected_fen", "closing_fen").order_by("org_id", "month")))  # fmt: skip


def test_a_month_owes_from_the_month_of_the_branch_meeting(world, branch_members):
    w = world
    assert services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m("2026-05")) == 3
    assert (
        services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m("2026-06")) == 4
    )  # 赵预备 from June
    assert services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m("2026-06")) == 0  # idempotent
    row = DuesMonth.objects.get(person=branch_members["probationary"], month=m("2026-06"))
    assert row.due_fen is None and not row.settled  # no norm yet: 未核定
    om = OrgMonth.objects.get(org=w.branch_a1_1, month=m("2026-06"))
    assert (om.members, om.unpriced, om.due_fen) == (4, 1, 4500 + 6000 + 50)
    with pytest.raises(ValidationError, match=r"早于.*被接收为预备党员"):
        services.norm_record(actor=w.secretary, person=branch_members["probationary"], category="student",
                             from_month=m("2026-05"))  # fmt: skip
    services.norm_record(actor=w.secretary, person=branch_members["probationary"], category="student",
                         from_month=m("2026-06"))  # fmt: skip
    row.refresh_from_db()
    assert row.due_fen == 20
    assert aggregates.check() == []


def test_a_party_groups_members_pay_into_their_branch(world):
    member = make_person(world.group_a1_1_1, name="组员甲")
    services.norm_record(actor=world.secretary, person=member, category="student", from_month=m("2026-01"))
    services.month_open(actor=world.secretary, org=world.branch_a1_1, month=m("2026-11"))
    assert DuesMonth.objects.get(person=member, month=m("2026-11")).org_id == world.branch_a1_1.pk
    pay(world, member, m("2026-11"))
    with pytest.raises(ValidationError, match="党小组不单独收缴"):
        services.month_open(actor=world.secretary, org=world.group_a1_1_1, month=m("2026-11"))


def test_monthly_advance_partial_and_voluntary_payments(world, branch_members):
    w = world
    p = branch_members["in_service"]  # 45.00 a month
    services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m("2026-11"))
    pay(w, p, m("2026-11"), months=3)  # November and two months ahead
    rows = dict(DuesMonth.objects.filter(person=p).values_list("month", "paid_fen"))
    assert rows == {m("2026-11"): 4500, m("2026-12"): 4500, m("2027-01"): 4500}
    assert DuesPayment.objects.filter(person=p).count() == 3
    assert len({r for r in DuesPayment.objects.filter(person=p).values_list("receipt", flat=True)}) == 1
    retired = branch_members["retired"]  # 60.00
    pay(w, retired, m("2026-11"), amount="20")
    data = selectors.collection_for(w.secretary, w.branch_a1_1, m("2026-11"))
    statuses = {r.name: r.status for r in data.rows}
    assert (
        statuses["王老书记"] == "partial" and statuses["曾小芳"] == "paid" and statuses["李农民"] == "unpaid"
    )
    pay(w, retired, m("2026-11"), amount="40.00")
    assert DuesMonth.objects.get(person=retired, month=m("2026-11")).settled
    with pytest.raises(ValidationError, match="已交清"):
        pay(w, retired, m("2026-11"), amount="1")
    om = OrgMonth.objects.get(org=w.branch_a1_1, month=m("2026-11"))
    assert om.collected_fen == 3 * 4500 + 6000
    assert aggregates.check() == []


def test_a_voluntary_payment_of_1000_yuan_goes_to_the_centre_and_999_99_does_not(world, branch_members):
    w = world
    a, b = branch_members["in_service"], branch_members["retired"]
    pay(w, a, m("2026-11"), months=0, voluntary="999.99")
    pay(w, b, m("2026-11"), months=0, voluntary=Decimal("1000"))
    flags = dict(DuesPayment.objects.filter(kind="voluntary").values_list("person_id", "to_centre"))
    assert flags == {a.pk: False, b.pk: True}
    om = OrgMonth.objects.get(org=w.branch_a1_1, month=m("2026-11"))
    assert (om.voluntary_fen, om.centre_fen) == (99999 + 100000, 100000)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": "-5"}, "不能为负数"),
        ({"amount": "abc"}, "应为数字"),
        ({"amount": "45.001"}, "两位小数"),
        ({"amount": 45.0}, "不能是浮点数"),
        ({"amount": "46"}, "超过所选月份尚未交纳"),
        ({"paid_on": D(2026, 11, 21)}, "交纳日期不能晚于今天"),
        ({"months": 14}, "最多预交到"),
        ({"months": 0}, "没有要记录的金额"),
        ({"month": m("2025-12")}, None),  # before the norm: no due known
        ({"voluntary": "-1"}, "不能为负数"),
    ],
)  # fmt: skip
def test_bad_payments_change_nothing(world, branch_members, kwargs, message):
    w = world
    services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m("2026-11"))
    before = snapshot()
    month = kwargs.pop("month", m("2026-11"))
    with pytest.raises(ValidationError) as exc:
        pay(w, branch_members["in_service"], month, **kwargs)
    assert "曾小芳" in str(exc.value) or "交纳日期" in str(exc.value)
    if message:
        assert message in str(exc.value)
    assert snapshot() == before


def test_who_may_collect(world, branch_members):
    w = world
    p = branch_members["in_service"]
    with pytest.raises(PermissionDenied):
        pay(w, p, m("2026-11"), actor=w.viewer)
    outsider_branch = w.branch_b_1
    with pytest.raises(PermissionDenied):
        services.month_open(actor=w.secretary, org=outsider_branch, month=m("2026-11"))
    with pytest.raises(ValidationError, match="不是“乙县医院第一党支部”的在册党员"):
        pay(w, p, m("2026-11"), org=outsider_branch, actor=w.admin)
    with pytest.raises(ValidationError, match=r"不是.*在册党员"):
        pay(w, w.people["applicant"], m("2026-11"))


def test_temporary_orgs_collect_no_dues(world):
    temp = org_create(
        actor=None, parent=world.town_a1, code="TMP-1", name="防疫临时党支部", kind="temp_branch"
    )
    with pytest.raises(ValidationError, match="临时党组织“防疫临时党支部”不能收缴党费"):
        services.month_open(actor=world.admin, org=temp, month=THIS_MONTH)
    with pytest.raises(ValidationError, match="不能收缴党费"):
        services.handup_record(actor=world.admin, org=temp, handed_on=D(2026, 11, 1), amount="1",
                               period_from=THIS_MONTH, period_to=THIS_MONTH)  # fmt: skip
    data = selectors.collection_for(world.admin, temp, THIS_MONTH)
    assert "临时党组织不收缴党费" in data.refused and not data.can_record


def test_a_reversal_is_kept_and_taken_out_of_the_books(world, branch_members):
    w = world
    p = branch_members["in_service"]
    [payment] = pay(w, p, m("2026-11"))
    services.payment_reverse(actor=w.secretary, payment=payment, reason="重复录入")
    payment.refresh_from_db()
    assert payment.is_reversed and payment.reversal_reason == "重复录入"
    assert DuesMonth.objects.get(person=p, month=m("2026-11")).paid_fen == 0
    assert OrgMonth.objects.get(org=w.branch_a1_1, month=m("2026-11")).collected_fen == 0
    with pytest.raises(ValidationError, match=r"已于.*冲正"):
        services.payment_reverse(actor=w.secretary, payment=payment, reason="再冲")
    [again] = pay(w, p, m("2026-11"))
    services.handup_record(actor=w.secretary, org=w.branch_a1_1, handed_on=D(2026, 11, 10), amount="45",
                           period_from=m("2026-11"), period_to=m("2026-11"))  # fmt: skip
    with pytest.raises(ValidationError, match="党费结余不足"):
        services.payment_reverse(actor=w.secretary, payment=again, reason="误录")
    assert not DuesPayment.objects.get(pk=again.pk).is_reversed
    assert aggregates.check() == []


def test_a_new_base_applies_from_the_month_the_new_pay_starts_and_is_never_logged(world, branch_members):
    w = world
    p = branch_members["in_service"]
    for month in ("2026-08", "2026-09", "2026-10"):
        services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m(month))
    pay(w, p, m("2026-08"), months=3, paid_on=D(2026, 8, 5))
    services.norm_record(
        actor=w.secretary, person=p, category="in_service", from_month=m("2026-09"), income="6000"
    )
    dues = dict(DuesMonth.objects.filter(person=p).values_list("month", "due_fen"))
    assert dues == {m("2026-08"): 4500, m("2026-09"): 9000, m("2026-10"): 9000}
    row = DuesMonth.objects.get(person=p, month=m("2026-09"))
    assert row.paid_fen == 4500 and not row.settled  # the difference is still owed
    # the change log says the income changed, never what it is
    services.norm_record(
        actor=w.secretary, person=p, category="in_service", from_month=m("2026-09"), income="6100"
    )
    logged = " ".join(
        str(r.before) + str(r.after) + r.message
        for r in ChangeRecord.objects.filter(object_type="dues.duesnorm")
    )
    assert "收入已更改" in logged
    for number in ("4500", "6000", "6100", "4,500", "6,100"):
        assert number not in logged
    assert DuesNorm.objects.get(person=p, from_month=m("2026-09")).income_fen == 610000
    assert aggregates.check() == []


def test_income_is_for_the_secretary_the_organizer_member_and_the_collector_only(world, branch_members):
    from dangjian.accounts.models import Role
    from dangjian.accounts.services import role_grant
    from dangjian.conftest import make_user

    w = world
    collector = make_user("collector")
    role_grant(actor=None, user=collector, org=w.branch_a1_1, role=Role.DUES_COLLECTOR)
    month = m("2026-11")
    for user, shown in ((w.secretary, True), (collector, True), (w.admin, False), (w.organizer, False),
                        (w.viewer, False)):  # fmt: skip
        data = selectors.collection_for(user, w.branch_a1_1, month, reveal=True)
        bases = {r.name: r.base for r in data.rows}
        assert bases["曾小芳"] == ("4,500.00" if shown else "***"), user
    assert {r.base for r in selectors.collection_for(w.secretary, w.branch_a1_1, month).rows} <= {"***", ""}
    with pytest.raises(PermissionDenied, match="个人信息"):
        services.norm_record(actor=w.admin, person=branch_members["in_service"], category="in_service",
                             from_month=month, income="5000")  # fmt: skip
    services.norm_record(actor=collector, person=branch_members["retired"], category="retired", from_month=month,
                         income="4800")  # fmt: skip


def test_a_hardship_exemption_needs_the_branch_and_the_next_higher_committee(world, branch_members):
    w = world
    p = branch_members["retired"]
    for month in ("2026-09", "2026-10"):
        services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m(month))
    meeting = decision(w.branch_a1_1, on=D(2026, 9, 10))
    with pytest.raises(ValidationError, match="研究决定的会议"):
        services.relief_request(actor=w.secretary, person=p, kind="exempt", from_month=m("2026-09"),
                                to_month=m("2027-08"), reason="因病致贫", meeting=None)  # fmt: skip
    relief = services.relief_request(actor=w.secretary, person=p, kind="exempt", from_month=m("2026-09"),
                                     to_month=m("2027-08"), reason="因病致贫", meeting=meeting)  # fmt: skip
    assert relief.approver == w.town_a1 and relief.status == ReliefStatus.PENDING
    assert DuesMonth.objects.get(person=p, month=m("2026-09")).due_fen == 6000  # nothing until approved
    with pytest.raises(PermissionDenied, match="东城镇党委"):
        services.relief_decide(actor=w.secretary, relief=relief, approve=True, decided_on=D(2026, 9, 20))
    with pytest.raises(ValidationError, match="不能早于党支部研究"):
        services.relief_decide(actor=w.organizer, relief=relief, approve=True, decided_on=D(2026, 9, 1))
    services.relief_decide(actor=w.organizer, relief=relief, approve=True, decided_on=D(2026, 9, 20),
                           reference="东组〔2026〕8号")  # fmt: skip
    rows = DuesMonth.objects.filter(person=p).order_by("month")
    assert [(r.due_fen, r.relieved, r.settled) for r in rows] == [(0, True, True), (0, True, True)]
    services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m("2026-11"))
    assert DuesMonth.objects.get(person=p, month=m("2026-11")).due_fen == 0
    assert aggregates.check() == []


def test_arrears_are_a_reminder_and_six_months_a_decision_for_the_branch(world, branch_members):
    w = world
    for month in range(m("2026-04"), m("2026-11") + 1):
        services.month_open(actor=w.secretary, org=w.branch_a1_1, month=month)
    # 曾小芳 pays every month; 王老书记 stopped after July; 李农民 paid nothing since April
    pay(w, branch_members["in_service"], m("2026-04"), months=8, paid_on=D(2026, 4, 2))
    pay(w, branch_members["retired"], m("2026-04"), months=4, paid_on=D(2026, 4, 2))
    rows, remind, lapse = selectors.arrears_for(w.secretary, w.branch_a1_1)
    assert (remind, lapse) == (3, 6)
    by_name = {r.name: r for r in rows}
    assert set(by_name) == {"王老书记", "李农民"}  # 赵预备 has no norm yet: 未核定, not in arrears
    assert len(by_name["王老书记"].months) == 3 and not by_name["王老书记"].lapse  # Aug–Oct
    assert by_name["李农民"].run == 7 and by_name["李农民"].lapse
    # listed by org and pinyin (li before wang), not by how much or how long
    assert [r.name for r in rows] == ["李农民", "王老书记"]
    farmer = branch_members["farmer"]
    meeting = decision(w.branch_a1_1, on=D(2026, 11, 15))
    with pytest.raises(ValidationError, match="没有连续6个月"):
        services.lapse_decide(actor=w.secretary, person=branch_members["retired"], outcome="educate",
                              reason="谈话", meeting=meeting)  # fmt: skip
    services.lapse_decide(
        actor=w.secretary, person=farmer, outcome="educate", reason="外出务工，愿意补交", meeting=meeting
    )
    assert LapseDecision.objects.get(person=farmer).months == 7
    farmer.refresh_from_db()
    assert farmer.is_active and farmer.is_member  # never automatic
    rows, _r, _l = selectors.arrears_for(w.secretary, w.branch_a1_1)
    assert not {r.name: r for r in rows}["李农民"].lapse
    with pytest.raises(ValidationError, match="已经研究处理过"):
        services.lapse_decide(
            actor=w.secretary, person=farmer, outcome="lapsed", reason="再议", meeting=meeting
        )
