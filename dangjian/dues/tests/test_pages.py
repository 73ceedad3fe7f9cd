"""The pages: the calculator for anyone, a branch's month (query-count guard, masked income, the
bulk record and its errors), exports masked, scope (404) and rights (403), statistics with records
behind every figure, the org page, the person file, the statistics page and the campaign card."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dangjian.conftest import make_person
from dangjian.development.rules import DUES_RULES
from dangjian.dues import services
from dangjian.dues.models import DuesMonth, DuesPayment, OrgMonth
from dangjian.dues.tests.conftest import D, decision, m
from dangjian.orgs.services import org_create

NOV = "2026-11"


def url(name, *args, **query):
    base = reverse(name, args=args)
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_calculator_is_for_anyone_and_says_what_is_wrong(db, client):
    body = client.get(url("dues-calc", category="in_service", income="3000.01")).content.decode()
    assert "每月应交党费 30.00 元" in body and "R-DUES-RATE" in body
    body = client.get(url("dues-calc", category="in_service", income="-3")).content.decode()
    assert "交纳基数不能为负数" in body and "每月应交党费" not in body
    response = client.get(url("dues-calc", category="retired", income="5000", on="2026-99-01"))
    assert response.status_code == 200  # a bad date is the form's error, not a 500


def test_a_branchs_month_in_few_queries_whatever_its_size(
    world, branch_members, client_as, django_assert_max_num_queries
):
    w = world
    for i, name in enumerate("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许"):
        person = make_person(w.branch_a1_1, name=f"{name}同志")
        services.norm_record(actor=w.secretary, person=person, category="in_service", from_month=m("2026-01"),
                             income=str(3000 + i * 400))  # fmt: skip
    services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m(NOV))
    client = client_as(w.secretary)
    client.get(url("dues-collection", w.branch_a1_1.pk, month=NOV))  # warm the caches
    with django_assert_max_num_queries(30):
        response = client.get(url("dues-collection", w.branch_a1_1.pk, month=NOV))
    body = response.content.decode()
    assert response.status_code == 200 and body.count('data-person="') == 24
    assert "4,500.00" not in body and "***" in body  # masked unless asked
    assert (
        "4,500.00"
        in client.get(url("dues-collection", w.branch_a1_1.pk, month=NOV, reveal=1)).content.decode()
    )
    assert (
        "4,500.00"
        not in client_as(w.admin)
        .get(url("dues-collection", w.branch_a1_1.pk, month=NOV, reveal=1))
        .content.decode()
    )
    client = client_as(w.secretary)
    for name in ("dues-norms", "dues-arrears", "dues-funds", "dues-stats"):
        client.get(url(name, w.branch_a1_1.pk))
        with django_assert_max_num_queries(40):
            assert client.get(url(name, w.branch_a1_1.pk)).status_code == 200


def test_recording_the_month_and_bad_input(world, branch_members, client_as):
    w = world
    client = client_as(w.secretary)
    p, q = branch_members["in_service"], branch_members["retired"]
    target = url("dues-collection", w.branch_a1_1.pk, month=NOV)
    response = client.post(target, {"pick": [p.pk, q.pk], f"amount_{q.pk}": "30", "paid_on": "2026-11-10",
                                    "way": "wechat", "collector_name": "组织委员"})  # fmt: skip
    assert response.status_code == 302
    assert dict(DuesMonth.objects.filter(month=m(NOV), paid_fen__gt=0).values_list("person_id", "paid_fen")) == {
        p.pk: 4500, q.pk: 3000}  # fmt: skip
    assert DuesMonth.objects.filter(month=m(NOV)).count() == 4  # the month was opened for everyone
    before = DuesPayment.objects.count()
    for data, message in (
        ({"pick": [q.pk], "paid_on": "2026-12-01", "way": "cash"}, "交纳日期不能晚于今天"),
        ({"pick": [q.pk], f"amount_{q.pk}": "-1", "paid_on": "2026-11-10", "way": "cash"}, "不能为负数"),
        (
            {"pick": [q.pk], f"amount_{q.pk}": "31", "paid_on": "2026-11-10", "way": "cash"},
            "超过所选月份尚未交纳",
        ),
        ({"pick": [w.people["other_branch"].pk], "paid_on": "2026-11-10", "way": "cash"}, "在册党员"),
        ({"pick": [q.pk], "paid_on": "2026-11-10", "way": "gold"}, "请选择交纳方式"),
    ):
        response = client.post(target, data)
        assert response.status_code == 200, data
        assert message in response.content.decode(), message
    assert DuesPayment.objects.count() == before
    assert client.post(target, {"pick": ["x1"], "paid_on": "2026-11-10", "way": "cash"}).status_code == 400
    assert (
        client_as(w.viewer).post(target, {"pick": [q.pk], "paid_on": "2026-11-10", "way": "cash"}).status_code
        == 403
    )


def test_scope_and_temporary_orgs(world, branch_members, client_as):
    w = world
    client = client_as(w.secretary)
    for name in (
        "dues-collection",
        "dues-funds",
        "dues-stats",
        "dues-allocations",
        "dues-norms",
        "dues-arrears",
    ):
        assert client.get(url(name, w.branch_b_1.pk)).status_code == 404, name
    assert client.get(url("dues-person", w.people["county_b"].pk)).status_code == 404
    temp = org_create(actor=None, parent=w.town_a1, code="TMP-2", name="抗洪临时党支部", kind="temp_branch")
    body = client_as(w.admin).get(url("dues-collection", temp.pk)).content.decode()
    assert "临时党组织不收缴党费" in body and 'id="collection-form"' not in body
    assert client_as(w.admin).post(url("dues-open", temp.pk, month=NOV)).status_code == 302
    assert not DuesMonth.objects.filter(org=temp).exists()


def test_exports_mask_the_base_unless_asked_by_whoever_may_see_it(world, branch_members, client_as):
    w = world
    services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m(NOV))

    def cells(client, **query):
        response = client.get(url("dues-register-xlsx", w.branch_a1_1.pk, month=NOV, **query))
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]

    assert "***" in cells(client_as(w.secretary)) and "4,500.00" not in cells(client_as(w.secretary))
    assert "4,500.00" in cells(client_as(w.secretary), unmask=1)
    assert "4,500.00" not in cells(client_as(w.admin), unmask=1)
    word = client_as(w.secretary).get(url("dues-register-docx", w.branch_a1_1.pk, month=NOV)).content
    document = zipfile.ZipFile(io.BytesIO(word)).read("word/document.xml").decode()
    assert "党费收缴登记表" in document and "曾小芳" in document and "4,500.00" not in document


def test_statistics_and_the_records_behind_each_figure(world, branch_members, client_as):
    w = world
    services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m("2026-10"))
    services.payments_record(actor=w.secretary, org=w.branch_a1_1, paid_on=D(2026, 10, 3), way="cash",
                             entries=[services.PaymentEntry(person=branch_members["in_service"], first_month=m("2026-10"))])  # fmt: skip
    client = client_as(w.admin)
    body = client.get(url("dues-stats", w.city.pk, **{"from": "2026-01", "to": "2026-11"})).content.decode()
    assert 'data-figure="due"' in body and "甲县委" in body
    assert "45.00" in body  # collected
    # the collection record list behind "due": every ledger row of the subtree in the period
    records = client.get(
        url("dues-records", w.city.pk, kind="collection", **{"from": "2026-01", "to": "2026-11"})
    )
    assert records.content.decode().count("dues/person/") == 4
    assert client.get(url("dues-stats", w.city.pk, **{"from": "2026-13", "to": "2026-11"})).status_code == 400
    assert client.get(url("dues-records", w.city.pk, kind="secret")).status_code == 400
    assert client.get(url("dues-stats", w.city.pk, **{"from": "2026-05", "to": "2026-01"})).status_code == 400


def test_the_org_page_the_person_file_and_the_statistics_page_show_dues(world, branch_members, client_as):
    w = world
    services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m(NOV))
    client = client_as(w.secretary)
    org_page = client.get(url("org-detail", w.branch_a1_1.pk)).content.decode()
    assert 'id="dues-link"' in org_page and 'id="dues-card"' in org_page and "应交4人" in org_page
    person = client.get(url("person-detail", branch_members["in_service"].pk)).content.decode()
    assert 'id="dues-person-card"' in person and "每月应交45.00元" in person and "4,500" not in person
    stats = client_as(w.admin).get("/stats/").content.decode()
    assert 'id="dues-stats"' in stats


def test_the_campaign_dashboard_shows_its_allocations(world, client_as):
    from dangjian.mobilization.services import campaign_create

    w = world
    services.fund_opening_set(actor=w.admin, org=w.city, month=m("2020-01"), amount="100000")
    campaign = campaign_create(actor=None, org=w.city, name="疫情防控", kind="epidemic", starts_on=D(2020, 1, 24),
                               code="YQ")  # fmt: skip
    services.allocation_record(actor=w.admin, org=w.city, purpose="visit", title="慰问", allocated_on=D(2020, 1, 28),
                               meeting=decision(w.city, on=D(2020, 1, 27)), campaign=campaign,
                               lines=[services.LineIn(amount="5000", recipient="一线医务人员")])  # fmt: skip
    body = client_as(w.admin).get(f"/mobilization/{campaign.pk}/").content.decode()
    assert 'id="dues-campaign"' in body and "0.5万元" in body


@pytest.mark.parametrize("page", ["dues-collection", "dues-norms", "dues-arrears", "dues-funds", "dues-stats",
                                  "dues-allocations", "dues-reliefs"])  # fmt: skip
def test_pages_in_english_leave_only_data_in_chinese(world, branch_members, client_as, page):
    from dangjian.shell.tests.test_i18n import ENGLISH, _chinese_outside_data

    services.month_open(actor=world.secretary, org=world.branch_a1_1, month=m(NOV))
    response = client_as(world.secretary).get(url(page, world.branch_a1_1.pk), **ENGLISH)
    assert response.status_code == 200
    body = response.content.decode()
    for rule in DUES_RULES:  # the rules' article citations are data (the rule set's)
        body = body.replace(rule.article, "")
    assert _chinese_outside_data(body) == []
    assert OrgMonth.objects.exists()


def _docx_text(content: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()


def test_the_yearly_notice_and_the_allocation_notice_are_word_documents(world, branch_members, client_as):
    w = world
    services.month_open(actor=w.secretary, org=w.branch_a1_1, month=m("2026-10"))
    services.payments_record(actor=w.secretary, org=w.branch_a1_1, paid_on=D(2026, 10, 3), way="cash",
                             entries=[services.PaymentEntry(person=branch_members["in_service"], first_month=m("2026-10"))])  # fmt: skip
    services.fund_opening_set(actor=w.admin, org=w.town_a1, month=m("2026-01"), amount="800")
    allocation = services.allocation_record(
        actor=w.admin, org=w.town_a1, purpose="visit", title="慰问老党员", allocated_on=D(2026, 6, 1),
        meeting=decision(w.town_a1, on=D(2026, 5, 30)), lines=[services.LineIn(amount="300", recipient="王老党员")],
    )  # fmt: skip
    notice = client_as(w.secretary).get(url("dues-notice", w.branch_a1_1.pk, year=2026))
    assert notice.status_code == 200
    text = _docx_text(notice.content)
    assert "东城镇第一党支部2026年度党费收缴、使用情况公示" in text and "全年收缴党费45.00元" in text
    town = _docx_text(client_as(w.admin).get(url("dues-notice", w.town_a1.pk, year=2026)).content)
    assert "慰问老党员" in town and "年末结余500.00元" in town
    letter = _docx_text(client_as(w.admin).get(url("dues-allocation-notice", allocation.pk)).content)
    assert "东城镇党委关于下拨党费的通知" in letter and "王老党员" in letter and "300.00" in letter
    # the 公示 is a replaceable template of the documents app
    template = client_as(w.admin).get("/documents/templates/dues_notice/")
    assert template.status_code == 200 and "{{ collected }}" in _docx_text(template.content)
