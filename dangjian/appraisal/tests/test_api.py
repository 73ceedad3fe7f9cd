from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dangjian.appraisal.models import Appraisal, FollowUp
from dangjian.appraisal.services import appraisal_record

from .conftest import HELD_ON


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC), tick=False):
        yield


def _body(ten, excellent: int, overrides: dict | None = None) -> dict:
    grades = {str(pk): grade for pk, grade in ten.grades(excellent=excellent, overrides=overrides).items()}
    return {"org_code": ten.branch.code, "year": 2025, "held_on": HELD_ON.isoformat(), "grades": grades}


def test_record_refuses_four_excellent_with_422_then_accepts_three(ten, client_as):
    client = client_as(ten.world.secretary)
    refused = client.post("/api/appraisals", _body(ten, 4), content_type="application/json")
    assert refused.status_code == 422
    assert "最多可评3名优秀，现评定4名" in refused.json()["errors"]["grades"][0]
    assert not Appraisal.objects.exists()
    created = client.post("/api/appraisals", _body(ten, 3), content_type="application/json")
    assert created.status_code == 201
    data = created.json()
    assert data["counts"] == {"excellent": 3, "qualified": 7, "basic": 0, "unqualified": 0, "probationary": 1}
    assert len(data["entries"]) == 11
    numbers = {p.id_number for p in ten.full}
    assert all("*" in e["id_number"] and e["id_number"] not in numbers for e in data["entries"])


def test_list_detail_and_scope(ten, client_as):
    appraisal = appraisal_record(
        actor=None, org=ten.branch, year=2025, held_on=HELD_ON, grades=ten.grades(excellent=2)
    )
    client = client_as(ten.world.organizer)
    listed = client.get(f"/api/appraisals?org={ten.world.town_a1.code}&year=2025").json()
    assert listed["count"] == 1 and listed["items"][0]["org_code"] == ten.branch.code
    assert client.get("/api/appraisals?year=2024").json()["count"] == 0
    assert client.get(f"/api/appraisals/{appraisal.pk}").status_code == 200
    outsider = client_as(ten.world.outsider)
    assert outsider.get(f"/api/appraisals/{appraisal.pk}").status_code == 404
    assert outsider.get("/api/appraisals").json()["count"] == 0
    viewer = client_as(ten.world.viewer)
    assert viewer.post("/api/appraisals", _body(ten, 1), content_type="application/json").status_code == 403
    bad = client_as(ten.world.secretary).post(
        "/api/appraisals",
        {**_body(ten, 1), "org_code": ten.world.branch_b_1.code},
        content_type="application/json",
    )
    assert bad.status_code == 422 and "不在您的管理范围内" in bad.json()["errors"]["org_code"][0]


def test_follow_up_decide_and_close_through_the_api(ten, client_as):
    failing = ten.full[2]
    appraisal_record(
        actor=None, org=ten.branch, year=2025, held_on=HELD_ON,
        grades=ten.grades(overrides={failing.pk: "unqualified"}),
    )  # fmt: skip
    followup = FollowUp.objects.get()
    client = client_as(ten.world.secretary)
    url = f"/api/appraisals/followups/{followup.pk}"
    missing = client.post(
        f"{url}/decide", {"measure": "correct", "decided_on": "2026-01-05"}, content_type="application/json"
    )
    assert missing.status_code == 422 and "改正期限" in missing.json()["errors"]["deadline"][0]
    decided = client.post(
        f"{url}/decide", {"measure": "persuade", "decided_on": "2026-01-05"}, content_type="application/json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "open"
    closed = client.post(
        f"{url}/close", {"outcome": "withdrew", "outcome_on": "2026-02-01", "note": "本人申请退党"},
        content_type="application/json",
    )  # fmt: skip
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert (
        client_as(ten.world.outsider)
        .post(
            f"{url}/close",
            {"outcome": "withdrew", "outcome_on": "2026-02-01"},
            content_type="application/json",
        )
        .status_code
        == 404
    )
