"""Malformed input to the API is a 4xx with a Chinese message, never a 500 (security-hardening issue).

Each test here failed on the code before the fix: with a 500 (SQLite OverflowError on huge integers,
ValueError on out-of-range months and years, KeyError on unknown steps) or with a 200 for a body
that is not an object.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client

from dangjian.accounts.services import api_token_create
from dangjian.conftest import make_person
from dangjian.development.services import case_open, step_record
from dangjian.mobilization.services import campaign_create

HAN = re.compile(r"[\u4e00-\u9fff]")
HUGE = "9" * 30


@pytest.fixture
def api(world):
    """A client whose every request carries an admin (组织部管理员) bearer token."""
    client = Client(raise_request_exception=False)
    _, raw = api_token_create(actor=None, user=world.admin, name="测试")
    headers = {"Authorization": f"Bearer {raw}"}

    class Api:
        def get(self, path, params=None):
            return client.get(path, params or {}, headers=headers)

        def send(self, method, path, body):
            return getattr(client, method)(path, body, content_type="application/json", headers=headers)

    return Api()


@pytest.fixture
def case(world):
    person = make_person(world.branch_a1_1, name="赵新", standing="applicant", applied_on=dt.date(2022, 3, 1))
    case = case_open(actor=world.secretary, person=person)
    step_record(actor=world.secretary, case=case, step=1, on=dt.date(2022, 3, 1))
    return case


@pytest.fixture
def campaign(world):
    return campaign_create(
        actor=world.admin, org=world.city, name="防汛", kind="flood", starts_on=dt.date(2024, 6, 1)
    )


def assert_chinese_4xx(response, status: int | None = None) -> dict:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    if status is not None:
        assert response.status_code == status, response.content[:300]
    body = response.json()
    assert HAN.search(body["detail"]), body
    return body


@pytest.mark.parametrize("step", [0, 99, -1, 10**30])
def test_preview_of_an_unknown_step_is_a_422(api, case, step):
    response = api.send(
        "post", f"/api/development/cases/{case.pk}/preview", {"step": step, "on": "2022-04-05"}
    )
    body = assert_chinese_4xx(response, 422)
    assert "step" in body["errors"]


@pytest.mark.parametrize("step", [0, 99])
def test_recording_an_unknown_step_is_a_422(api, case, step):
    response = api.send("post", f"/api/development/cases/{case.pk}/steps", {"step": step, "on": "2022-04-05"})
    assert_chinese_4xx(response, 422)


def _paginated_paths(api, campaign) -> list[str]:
    schema = api.get("/api/openapi.json").json()
    out = []
    for path, ops in schema["paths"].items():
        names = {p["name"] for p in ops.get("get", {}).get("parameters", [])}
        if {"limit", "offset"} <= names:
            out.append(path.replace("{campaign_id}", str(campaign.pk)))
    return out


def test_every_paginated_endpoint_is_found(api, campaign):
    assert set(_paginated_paths(api, campaign)) >= {
        "/api/people",
        "/api/development/cases",
        "/api/development/due",
        f"/api/mobilization/campaigns/{campaign.pk}/teams",
    }


@pytest.mark.parametrize(
    "params", [{"limit": HUGE}, {"offset": HUGE}, {"limit": "501"}, {"limit": "0"}, {"offset": "-1"}]
)
def test_pagination_out_of_range_is_a_422_on_every_list(api, campaign, case, params):
    for path in _paginated_paths(api, campaign):
        response = api.get(path, params)
        body = assert_chinese_4xx(response, 422)
        (field,) = params
        assert field in body["errors"], (path, body)
        assert all(HAN.search(m) and "Input should" not in m for m in body["errors"][field]), body


def test_pagination_at_the_cap_is_served(api, campaign, case):
    for path in _paginated_paths(api, campaign):
        response = api.get(path, {"limit": "500", "offset": "0"})
        assert response.status_code == 200, path
        assert len(response.json()["items"]) <= 500


@pytest.mark.parametrize(
    "params",
    [
        {"end": "9999-12"},
        {"start": "0000-01"},
        {"start": "2024-13"},
        {"end": "abc"},
        {"start": "2024-01", "end": f"{HUGE}-01"},
        {"org": HUGE},
        {"org": "abc"},
    ],
)
def test_stats_with_malformed_parameters_is_a_4xx(api, world, params):
    response = api.get("/api/stats", params)
    assert_chinese_4xx(response)


def test_stats_with_a_proper_period_still_works(api, world):
    response = api.get("/api/stats", {"start": "2024-01", "end": "2024-12"})
    assert response.status_code == 200
    assert response.json()["start"] == "2024-01-01" and response.json()["end"] == "2024-12-31"


@pytest.mark.parametrize("body", [[None, None], [], None, "文本", 5, [{"name": "x"}]])
def test_patch_person_with_a_non_object_body_is_refused(api, world, body):
    person = world.people["in_branch"]
    response = api.send("patch", f"/api/people/{person.pk}", json.dumps(body))
    assert_chinese_4xx(response, 422)
    person.refresh_from_db()
    assert person.name == "曾小芳"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/orgs/{HUGE}",
        f"/api/orgs/{HUGE}/children",
        f"/api/people/{HUGE}",
        f"/api/development/cases/{HUGE}",
        f"/api/mobilization/campaigns/{HUGE}",
        f"/api/mobilization/campaigns/{HUGE}/stats",
        f"/api/mobilization/campaigns/{HUGE}/coverage",
    ],
)
def test_huge_ids_in_the_path_are_a_4xx(api, world, path):
    assert_chinese_4xx(api.get(path))


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/people", {"org": HUGE}),
        ("/api/development/cases", {"org": HUGE}),
        ("/api/development/cases", {"stage": HUGE}),
        ("/api/development/due", {"org": HUGE}),
    ],
)
def test_huge_ids_in_the_query_are_a_4xx(api, world, path, params):
    assert_chinese_4xx(api.get(path, params))


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/api/development/cases", {"person_id": 10**30}),
        ("post", "/api/development/records/{huge}/return", {"reason": "测试"}),
        ("patch", "/api/people/{huge}", {"name": "张三"}),
        ("post", "/api/mobilization/shifts/{huge}/served", {"member_ids": [1]}),
    ],
)
def test_huge_ids_in_writes_are_a_4xx(api, world, method, path, body):
    assert_chinese_4xx(api.send(method, path.format(huge=HUGE), body))


def test_huge_ids_in_a_list_body_are_a_4xx(api, world, campaign):
    body = {"org_code": "CITY", "kind": "shock", "name": "突击队", "starts_on": "2024-06-02",
            "member_ids": [10**30]}  # fmt: skip
    assert_chinese_4xx(api.send("post", f"/api/mobilization/campaigns/{campaign.pk}/teams", body))
    served = api.send("post", "/api/mobilization/shifts/1/served", {"member_ids": [10**30]})
    assert_chinese_4xx(served)
