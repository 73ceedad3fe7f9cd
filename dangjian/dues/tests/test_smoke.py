import datetime as dt
from decimal import Decimal

from dangjian.dues import aggregates, services
from dangjian.dues.models import DuesMonth, OrgMonth
from dangjian.dues.tests.conftest import m


def test_smoke(world, branch_members):
    w = world
    n = services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m("2026-10"))
    assert n == 4
    pays = services.payments_record(
        actor=w.secretary,
        org=w.branch_a1_1,
        paid_on=dt.date(2026, 10, 5),
        way="wechat",
        entries=[
            services.PaymentEntry(
                person=branch_members["in_service"],
                first_month=m("2026-10"),
                months=3,
                voluntary=Decimal("1000"),
            )
        ],
    )
    assert len(pays) == 4
    row = OrgMonth.objects.get(org=w.branch_a1_1, month=m("2026-10"))
    assert row.collected_fen == 100000 + 13500
    services.handup_record(
        actor=w.secretary,
        org=w.branch_a1_1,
        handed_on=dt.date(2026, 10, 10),
        amount="1135",
        centre_amount="1000",
        period_from=m("2026-10"),
        period_to=m("2026-10"),
    )
    assert aggregates.check() == []
    assert DuesMonth.objects.count() == 6
