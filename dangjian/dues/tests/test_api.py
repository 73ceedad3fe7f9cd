"""The dues API: the calculator, norms (masked), a month's collection, payments, hand-ups,
allocations and statistics; scope (404), rights (403) and Chinese 422s, amounts as decimal strings."""

from __future__ import annotations

import json

import pytest

from dangjian.dues import services
from dangjian.dues.models import DuesPayment
from dangjian.dues.tests.conftest import D, decision, m


def get(client, path, **params):
    return client.get(f"/api/dues{path}", params)


def post(client, path, body):
    return client.post(f"/api/dues{path}", json.dumps(body), content_type="application/json")


def test_the_calculator_endpoint(world, client_as):
    client = client_as(world.viewer)
    response = get(client, "/calc", category="in_service", income="5000.01")
    assert response.status_code == 200
    assert response.json() == {"category": "in_service", "base": "5000.01", "rate": "0.015", "amount": "75.00",
                               "rule": "R-DUES-RATE", "article": "党费规定第二、三、四条", "ruleset": "national-2014"}  # fmt: skip
    bad = get(client, "/calc", category="in_service", income="-1")
    assert bad.status_code == 422 and "不能为负数" in bad.json()["errors"]["__all__"][0]
    assert get(client, "/calc", category="student").json()["amount"] == "0.20"
    assert (
        get(client, "/calc", category="in_service", income="1", org="BR-B-1").status_code == 404
    )  # not the viewer's
    schema = client.get("/api/openapi.json").json()
    calc = schema["paths"]["/api/dues/calc"]["get"]
    assert "3000元及以下0.5%" in calc["description"]


def test_norms_and_collection_mask_the_base(world, branch_members, client_as):
    secretary, admin = client_as(world.secretary), None
    rows = get(secretary, "/norms", org="BR-A1-1").json()
    assert {r["name"]: r["base"] for r in rows}["曾小芳"] == "***"
    assert {r["name"]: r["base"] for r in get(secretary, "/norms", org="BR-A1-1", reveal="true").json()}[
        "曾小芳"
    ] == "4,500.00"
    admin = client_as(world.admin)
    assert {r["name"]: r["base"] for r in get(admin, "/norms", org="BR-A1-1", reveal="true").json()}[
        "曾小芳"
    ] == "***"
    data = get(admin, "/collection", org="BR-A1-1", month="2026-11").json()
    assert data["members"] == 4 and data["due"] == "105.50" and data["opened"] is False
    assert get(admin, "/collection", org="BR-A1-1", month="2026-13").status_code == 422
    assert get(client_as(world.secretary), "/collection", org="BR-B-1").status_code == 404


def test_recording_payments_through_the_api(world, branch_members, client_as):
    client = client_as(world.secretary)
    p = branch_members["in_service"]
    body = {"org_code": "BR-A1-1", "paid_on": "2026-11-10", "way": "alipay",
            "entries": [{"person_id": p.pk, "first_month": "2026-11", "months": 2, "voluntary": "1000"}]}  # fmt: skip
    response = post(client, "/payments", body)
    assert response.status_code == 201, response.content
    assert response.json() == {"payments": 3, "amount": "1090.00", "to_centre": "1000.00"}
    again = post(client, "/payments", body)
    assert again.status_code == 422 and "已交清" in json.dumps(again.json(), ensure_ascii=False)
    assert DuesPayment.objects.count() == 3
    viewer = post(client_as(world.viewer), "/payments", body)
    assert viewer.status_code == 403
    client = client_as(world.secretary)  # the test client is one: sign the secretary in again
    bad = post(client, "/payments", {**body, "entries": [{**body["entries"][0], "first_month": "2027-13"}]})
    assert bad.status_code == 422
    assert post(
        client,
        "/payments",
        {**body, "entries": [{"person_id": p.pk, "amount": 1.5, "first_month": "2026-12"}]},
    ).status_code in (201, 422)


def test_allocations_hand_ups_balances_and_statistics(world, client_as):
    w = world
    admin = client_as(w.admin)
    services.fund_opening_set(actor=w.admin, org=w.city, month=m("2026-01"), amount="10000")
    meeting = decision(w.city, on=D(2026, 2, 1))
    body = {"org_code": "CITY", "purpose": "subsidy", "title": "补助困难党员", "allocated_on": "2026-02-02",
            "meeting_id": meeting.pk, "lines": [{"org_code": "CTY-A", "amount": "3000"},
                                                {"recipient": "困难群众", "amount": "500.50", "note": "因病"}]}  # fmt: skip
    response = post(admin, "/allocations", body)
    assert response.status_code == 201, response.content
    allocation = response.json()
    assert allocation["amount"] == "3500.50" and allocation["purpose_label"] == "补助"
    detail = admin.get(f"/api/dues/allocations/{allocation['id']}").json()
    assert detail["unspent"] == "3000.00" and detail["paid_to_people"] == "500.50"
    listed = get(admin, "/allocations", org="CITY").json()
    assert listed["count"] == 1
    assert client_as(w.secretary).get(f"/api/dues/allocations/{allocation['id']}").status_code == 404
    admin = client_as(w.admin)
    too_much = post(admin, "/allocations", {**body, "lines": [{"org_code": "CTY-A", "amount": "999999"}]})
    assert too_much.status_code == 422 and "党费结余不足" in json.dumps(too_much.json(), ensure_ascii=False)
    handup = post(admin, "/handups", {"org_code": "CTY-A", "handed_on": "2026-03-01", "amount": "100",
                                      "period_from": "2026-02", "period_to": "2026-02"})  # fmt: skip
    assert handup.status_code == 201 and handup.json()["to"] == "广安市委"
    balances = get(admin, "/balances", org="CITY", year=2026).json()
    assert balances[1] == {"month": "2026-02", "opening": "10000.00", "collected": "0.00", "received": "0.00",
                           "handed_up": "0.00", "allocated": "3500.50", "spent": "0.00", "closing": "6499.50"}  # fmt: skip
    stats = admin.get("/api/dues/stats", {"org": "CITY", "from": "2026-01", "to": "2026-11"}).json()
    assert stats["allocated"] == "3500.50" and stats["allocated_by_purpose"] == {"subsidy": "3500.50"}
    assert {o["name"] for o in stats["orgs"]} >= {"甲县委"}
    assert (
        admin.get("/api/dues/stats", {"org": "CITY", "from": "2026-05", "to": "2026-01"}).status_code == 422
    )


@pytest.mark.parametrize("path", ["/norms?org=NOPE", "/collection?org=NOPE", "/balances?org=NOPE&year=2026"])
def test_unknown_or_out_of_scope_codes_are_404(world, client_as, path):
    assert client_as(world.secretary).get(f"/api/dues{path}").status_code == 404
