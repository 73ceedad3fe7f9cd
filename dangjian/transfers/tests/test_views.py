"""The pages and the API: the 转出 form from the person file, the lists, the actions, the scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dangjian.transfers import services
from dangjian.transfers.models import Status, Transfer
from dangjian.transfers.tests.conftest import assert_counts_exact


def _submit(world):
    return services.transfer_submit(
        actor=world.secretary, person=world.people["in_branch"], to_org=world.branch_b_1, reason="work"
    )


def test_person_file_offers_transfer_and_then_shows_transferring(world, client_as):
    person = world.people["in_branch"]
    client = client_as(world.secretary)
    page = client.get(reverse("person-detail", args=[person.pk])).content.decode()
    assert 'id="transfer-start"' in page
    _submit(world)
    page = client.get(reverse("person-detail", args=[person.pk])).content.decode()
    assert 'id="transfer-mark"' in page and "转出中" in page


def test_the_form_searches_all_orgs_and_submits(world, client_as):
    person = world.people["in_branch"]
    client = client_as(world.secretary)
    url = reverse("transfer-new", args=[person.pk])
    page = client.get(url, {"q": "BR-B"}).content.decode()
    assert "乙县医院第一党支部" in page and "BR-B-1" in page
    response = client.post(url, {"q": "BR-B", "to_org": world.branch_b_1.pk, "reason": "work", "note": ""})
    t = Transfer.objects.get()
    assert response.status_code == 302 and response.url == reverse("transfer-detail", args=[t.pk])
    assert t.to_org == world.branch_b_1 and t.status == Status.SUBMITTED
    # Without a chosen org the form says so.
    t.delete()
    page = client.post(url, {"q": "", "reason": "work"}).content.decode()
    assert "请选择接收党组织" in page


def test_form_is_404_outside_scope(world, client_as):
    url = reverse("transfer-new", args=[world.people["county_b"].pk])
    assert client_as(world.secretary).get(url).status_code == 404


def test_review_receive_through_the_pages(world, client_as, receiver):
    t = _submit(world)
    client = client_as(world.organizer)
    page = client.get(reverse("transfer-list") + "?tab=review").content.decode()
    assert f'data-transfer="{t.pk}"' in page
    # A branch secretary cannot review: 403, nothing changes.
    secretary = client_as(world.secretary)
    assert secretary.post(reverse("transfer-act", args=[t.pk, "approve"])).status_code == 403
    t.refresh_from_db()
    assert t.status == Status.SUBMITTED
    client = client_as(world.organizer)
    client.post(reverse("transfer-act", args=[t.pk, "approve"]))
    t.refresh_from_db()
    assert t.status == Status.PENDING
    client = client_as(receiver)
    page = client.get(reverse("transfer-list") + "?tab=in").content.decode()
    assert f'data-transfer="{t.pk}"' in page and "曾小芳" in page
    page = client.get(reverse("transfer-detail", args=[t.pk])).content.decode()
    assert 'id="person-hidden"' in page and 'id="person-standing"' not in page and 'id="btn-receive"' in page
    client.post(reverse("transfer-act", args=[t.pk, "receive"]))
    t.refresh_from_db()
    assert t.status == Status.RECEIVED
    page = client.get(reverse("transfer-detail", args=[t.pk])).content.decode()
    assert 'id="person-standing"' in page
    assert_counts_exact()


def test_receiving_a_cancelled_transfer_shows_the_reason(world, client_as, receiver):
    t = services.transfer_approve(actor=world.organizer, transfer=_submit(world))
    services.transfer_cancel(actor=world.secretary, transfer=t, reason="本人不再调动")
    response = client_as(receiver).post(reverse("transfer-act", args=[t.pk, "receive"]), follow=True)
    assert "该转接已撤销，不能接收。" in response.content.decode()


def test_detail_is_404_for_outsider(world, client_as):
    t = _submit(world)
    assert client_as(world.outsider).get(reverse("transfer-detail", args=[t.pk])).status_code == 404
    assert client_as(world.outsider).post(reverse("transfer-act", args=[t.pk, "cancel"])).status_code == 404


@pytest.mark.parametrize("tab", ["out", "in", "review", "overdue"])
def test_lists_render(world, client_as, tab):
    _submit(world)
    assert client_as(world.admin).get(reverse("transfer-list"), {"tab": tab, "all": "1"}).status_code == 200


def test_api_create_review_receive_return(world, client_as, receiver):
    person = world.people["in_branch"]
    client = client_as(world.secretary)
    body = {"person_id": person.pk, "to_org_code": "BR-B-1", "reason": "study"}
    response = client.post("/api/transfers", body, content_type="application/json")
    assert response.status_code == 201, response.content
    tid = response.json()["id"]
    # The branch cannot review: 403 with the reason.
    response = client.post(f"/api/transfers/{tid}/review", {}, content_type="application/json")
    assert response.status_code == 403 and "审核党委" in response.json()["detail"]
    client = client_as(world.organizer)
    response = client.post(f"/api/transfers/{tid}/review", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    client = client_as(receiver)
    got = client.get(f"/api/transfers/{tid}").json()
    assert got["person_id"] is None and got["name"] == "曾小芳" and got["gender"] == "F"
    assert client.get("/api/transfers?side=in").json()["count"] == 1
    response = client.post(f"/api/transfers/{tid}/receive", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["person_id"] == person.pk
    response = client.post(f"/api/transfers/{tid}/return", {"reason": "x"}, content_type="application/json")
    assert response.status_code == 422 and "已接收" in str(response.json()["errors"])
    assert client_as(world.outsider).get(f"/api/transfers/{tid}").status_code == 404
    names = client.get("/api/transfers/orgs?q=东城").json()
    assert {"id", "code", "name"} == set(names[0])
    assert_counts_exact()


def test_outside_transfer_through_the_pages(world, client_as):
    person = world.people["in_branch"]
    client = client_as(world.secretary)
    url = reverse("transfer-new", args=[person.pk])
    response = client.post(url, {"q": "", "to_outside": "中共某省某县某支部委员会", "reason": "residence"})
    t = Transfer.objects.get()
    assert response.status_code == 302 and t.is_outside
    assert client.get(reverse("transfer-letter", args=[t.pk])).status_code == 404  # not issued yet
    services.transfer_approve(actor=world.organizer, transfer=t)
    response = client.get(reverse("transfer-letter", args=[t.pk]))
    assert response.status_code == 200 and response["Content-Type"].endswith("document")
    page = client.get(reverse("transfer-detail", args=[t.pk])).content.decode()
    assert 'id="receipt-form"' in page and 'id="btn-receive"' not in page
    client.post(reverse("transfer-act", args=[t.pk, "receipt"]), {"on": "", "note": "回执已收回"})
    t.refresh_from_db()
    assert t.status == Status.RECEIVED
    person.refresh_from_db()
    assert person.reduction == "transferred_out"
    assert_counts_exact()


def test_api_outside_and_receipt(world, client_as):
    client = client_as(world.secretary)
    body = {"person_id": world.people["in_branch"].pk, "to_outside": "外省某党支部", "reason": "work"}
    tid = client.post("/api/transfers", body, content_type="application/json").json()["id"]
    client_as(world.organizer).post(f"/api/transfers/{tid}/review", {}, content_type="application/json")
    client = client_as(world.secretary)
    response = client.post(
        f"/api/transfers/{tid}/receipt", {"note": "已收回"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "received" and response.json()["to_org"] is None


def test_api_from_outside(world, client_as, receiver):
    from dangjian.conftest import valid_id_number

    body = {
        "org_code": "BR-B-1", "from_outside": "外省某党支部", "letter_no": "W-9", "reason": "other",
        "id_number": valid_id_number(dt.date(1988, 4, 5), "F"), "name": "外来者", "gender": "F", "birth_date": "1988-04-05",
        "standing": "full", "admitted_on": "2010-07-01", "converted_on": "2011-07-01",
    }  # fmt: skip
    response = client_as(receiver).post("/api/transfers/from-outside", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["from_org"] is None and response.json()["person_id"] is not None
    response = client_as(world.secretary).post(
        "/api/transfers/from-outside", body, content_type="application/json"
    )
    assert response.status_code == 404
    assert_counts_exact()


def test_from_outside_page_reactivates(world, client_as):
    person = world.people["in_branch"]
    t = services.transfer_approve(
        actor=world.organizer,
        transfer=services.transfer_submit(
            actor=world.secretary, person=person, to_outside="外省", reason="work"
        ),
    )
    services.transfer_record_receipt(actor=world.secretary, transfer=t)
    client = client_as(world.organizer)
    assert client.get(reverse("transfer-from-outside")).status_code == 200
    data = {"org_code": "BR-A1-2", "from_outside": "外省", "letter_no": "W-1", "reason": "work",
            "id_number": person.id_number}  # fmt: skip
    response = client.post(reverse("transfer-from-outside"), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_active and person.org == world.branch_a1_2
    page = client.post(reverse("transfer-from-outside"), {**data, "org_code": "BR-B-1"}).content.decode()
    assert "不在您的管理范围内" in page
    assert_counts_exact()


def test_batch_receive_page_and_api(world, client_as, receiver):
    from dangjian.conftest import make_person

    people = [make_person(world.branch_a1_1, name=f"批量{c}") for c in "甲乙丙"]
    body = {"person_ids": [p.pk for p in people], "to_org_code": "BR-B-1", "reason": "work"}
    response = client_as(world.secretary).post("/api/transfers/batch", body, content_type="application/json")
    assert response.status_code == 201, response.content
    ids = [t["id"] for t in response.json()]
    response = client_as(world.organizer).post(
        "/api/transfers/batch/review", {"ids": ids}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    client = client_as(receiver)
    page = client.get(reverse("transfer-list") + "?tab=in").content.decode()
    assert page.count('name="pick"') == 3
    response = client.post(reverse("transfer-receive-many"), {"pick": ids[:2]}, follow=True)
    assert "已接收2名同志。" in response.content.decode()
    response = client.post("/api/transfers/batch/receive", {"ids": ids[2:]}, content_type="application/json")
    assert response.status_code == 200 and response.json()[0]["status"] == "received"
    assert client_as(world.outsider).post(reverse("transfer-receive-many"), {"pick": ids}).status_code == 404
    assert_counts_exact()


def test_batch_page_sends_the_ticked_members(world, client_as):
    from dangjian.conftest import make_person

    people = [make_person(world.branch_a1_2, name=f"合并{c}") for c in "甲乙"]
    client = client_as(world.organizer)
    org_page = client.get(reverse("org-detail", args=[world.branch_a1_2.pk])).content.decode()
    assert 'id="transfer-batch"' in org_page
    url = reverse("transfer-batch", args=[world.branch_a1_2.pk])
    assert "合并甲" in client.get(url).content.decode()
    data = {"q": "BR-B-1", "to_org": world.branch_b_1.pk, "reason": "work", "pick": [p.pk for p in people]}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Transfer.objects.filter(person__in=people, status=Status.SUBMITTED).count() == 2
    assert client_as(world.secretary).get(url).status_code == 404
    assert_counts_exact()
