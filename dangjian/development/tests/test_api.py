import datetime as dt

import pytest

from dangjian.accounts.services import api_token_create
from dangjian.conftest import make_person
from dangjian.development.models import Case, StepRecord

D = dt.date


@pytest.fixture(autouse=True)
def _frozen(frozen_today):
    yield


@pytest.fixture
def case(applicant_case):
    return applicant_case


def bearer(user):
    _, raw = api_token_create(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_cases_are_listed_in_scope(world, client, case):
    mine = client.get("/api/development/cases", **bearer(world.secretary)).json()
    assert [c["person_name"] for c in mine["items"]] == ["赵新"]
    theirs = client.get("/api/development/cases", **bearer(world.viewer)).json()
    assert theirs["count"] == 1  # the viewer's county holds the branch
    assert client.get("/api/development/cases", **bearer(world.outsider)).json()["count"] == 0
    assert client.get(f"/api/development/cases/{case.pk}", **bearer(world.outsider)).status_code == 404


def test_case_detail_has_records_and_findings(world, client, case):
    body = client.get(f"/api/development/cases/{case.pk}", **bearer(world.secretary)).json()
    assert body["records"][0]["step"] == 1 and body["records"][0]["step_name"].endswith("递交入党申请书")
    assert body["findings"] == []


def test_record_step_violation_and_acknowledgement(world, client, case):
    headers = bearer(world.secretary)
    url = f"/api/development/cases/{case.pk}/steps"
    late = client.post(url, {"step": 2, "on": "2022-04-05"}, content_type="application/json", **headers)
    assert late.status_code == 422
    assert late.json()["code"] == "needs_acknowledgement" and late.json()["findings"][0]["rule"] == "R-TALK"
    ok = client.post(url, {"step": 2, "on": "2022-04-05", "acknowledge": ["R-TALK"], "note": "出差"},
                     content_type="application/json", **headers)  # fmt: skip
    assert ok.status_code == 201 and ok.json()["acknowledged"] == ["R-TALK"]
    client.post(url, {"step": 3, "on": "2022-05-10"}, content_type="application/json", **headers)
    short = client.post(url, {"step": 7, "on": "2022-06-01"}, content_type="application/json", **headers)
    assert short.status_code == 422 and short.json()["code"] == "rule_violation"
    assert "培养期不足1年" in short.json()["findings"][0]["message"]
    assert not StepRecord.objects.filter(case=case, step=7).exists()


def test_preview_and_return(world, client, case):
    headers = bearer(world.secretary)
    checks = client.post(f"/api/development/cases/{case.pk}/preview", {"step": 2, "on": "2022-04-05"},
                         content_type="application/json", **headers).json()  # fmt: skip
    talk = next(c for c in checks if c["rule"] == "R-TALK")
    assert talk["passed"] is False
    record = StepRecord.objects.get(case=case, step=1)
    response = client.post(f"/api/development/records/{record.pk}/return", {"reason": "申请书不规范"},
                           content_type="application/json", **headers)  # fmt: skip
    assert response.status_code == 204
    record.refresh_from_db()
    assert not record.is_current


def test_open_case_and_permissions(world, client):
    person = make_person(world.branch_a1_1, name="新人", standing="applicant", applied_on=D(2026, 1, 5))
    denied = client.post("/api/development/cases", {"person_id": person.pk}, content_type="application/json",
                         **bearer(world.viewer))  # fmt: skip
    assert denied.status_code == 403
    created = client.post("/api/development/cases", {"person_id": person.pk}, content_type="application/json",
                          **bearer(world.secretary))  # fmt: skip
    assert created.status_code == 201 and Case.objects.filter(person=person).exists()
    approval = client.post(f"/api/development/cases/{created.json()['id']}/steps",
                           {"step": 17, "on": "2026-02-01", "org_code": "TOWN-A1"}, content_type="application/json",
                           **bearer(world.secretary))  # fmt: skip
    assert approval.status_code in (403, 422)


def test_due_list_is_scoped(world, client, case):
    items = client.get("/api/development/due", **bearer(world.secretary)).json()["items"]
    assert items and all(i["org_id"] == world.branch_a1_1.pk for i in items)
    assert client.get("/api/development/due", **bearer(world.outsider)).json()["count"] == 0


def test_openapi_lists_the_pipeline(client, world):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/development/cases/{case_id}/steps" in paths
    assert "/api/development/due" in paths
