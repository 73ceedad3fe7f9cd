import datetime as dt
from decimal import Decimal

from django.urls import reverse

from dangjian.dues import aggregates, services
from dangjian.dues.models import DuesMonth, OrgMonth
from dangjian.dues.tests.conftest import decision, m


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


def test_pages(world, branch_members, client_as):
    w = world
    services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m("2026-10"))
    meeting = decision(w.town_a1)
    services.fund_opening_set(actor=w.organizer, org=w.town_a1, month=m("2026-01"), amount="50000")
    a = services.allocation_record(
        actor=w.organizer,
        org=w.town_a1,
        purpose="visit",
        title="慰问",
        allocated_on=dt.date(2026, 2, 1),
        meeting=meeting,
        lines=[
            services.LineIn(amount="1000", org=w.branch_a1_1),
            services.LineIn(amount="200", recipient="张三"),
        ],
    )
    p = branch_members["in_service"]
    urls = [
        reverse("dues-calc") + "?category=in_service&income=4500",
        reverse("dues-home", args=[w.branch_a1_1.pk]),
    ]
    for name in (
        "dues-collection",
        "dues-norms",
        "dues-arrears",
        "dues-reliefs",
        "dues-funds",
        "dues-allocations",
        "dues-stats",
        "dues-register-xlsx",
        "dues-register-docx",
        "dues-notice",
        "dues-allocation-create",
        "dues-pay",
    ):
        urls.append(reverse(name, args=[w.branch_a1_1.pk]))
    for kind in (
        "collection",
        "arrears",
        "payments",
        "handups",
        "allocations",
        "lines",
        "received",
        "spending",
    ):
        urls.append(reverse("dues-records", args=[w.branch_a1_1.pk]) + f"?kind={kind}")
    urls += [
        reverse("dues-person", args=[p.pk]),
        reverse("dues-norm", args=[p.pk]),
        reverse("dues-allocation", args=[a.pk]),
        reverse("dues-allocation-notice", args=[a.pk]),
        reverse("dues-stats-card", args=[w.branch_a1_1.pk]),
        reverse("org-detail", args=[w.branch_a1_1.pk]),
        reverse("person-detail", args=[p.pk]),
        "/stats/",
    ]
    above = [
        reverse("dues-stats", args=[w.city.pk]),
        reverse("dues-funds", args=[w.town_a1.pk]),
        reverse("dues-records", args=[w.town_a1.pk]) + "?kind=allocations",
    ]
    client = client_as(w.secretary)
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
    for url in above:
        assert client.get(url).status_code == 404, url
    client = client_as(w.admin)
    for url in urls + above:
        response = client.get(url)
        assert response.status_code in (200, 302, 403), (url, response.status_code)
