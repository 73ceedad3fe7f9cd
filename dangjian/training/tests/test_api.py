"""The training API: scope (404), rights (403), Chinese 422s, masked ID numbers, step 11."""

import datetime as dt

import pytest

from dangjian.accounts.services import api_token_create
from dangjian.development.models import StepRecord
from dangjian.training import services
from dangjian.training.models import Participation, TrainingClass
from dangjian.training.tests.conftest import candidate_case, make_class

D = dt.date
pytestmark = pytest.mark.usefixtures("frozen")
JSON = "application/json"


def bearer(user):
    _, raw = api_token_create(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_classes_are_listed_and_shown_in_scope(world, client):
    c = make_class(world, kind="member_rotation")
    other = make_class(world, org=world.branch_b_1, actor=world.admin, kind="village_cadre", name="医院班")
    services.participants_add(actor=world.organizer, training_class=c, people=[world.people["in_branch"]])
    mine = client.get("/api/training/classes", **bearer(world.organizer)).json()
    assert [x["name"] for x in mine["items"]] == ["2023年第一期发展对象培训班"]
    assert mine["items"][0]["participant_count"] == 1 and mine["items"][0]["kind_label"] == "党员集中轮训"
    everything = client.get("/api/training/classes?kind=village_cadre", **bearer(world.admin)).json()
    assert [x["id"] for x in everything["items"]] == [other.pk]
    assert client.get("/api/training/classes?year=2024", **bearer(world.admin)).json()["count"] == 0
    assert (
        client.get(f"/api/training/classes?org={world.county_b.code}", **bearer(world.admin)).json()["count"]
        == 1
    )
    assert client.get("/api/training/classes", **bearer(world.outsider)).json()["count"] == 0
    assert client.get(f"/api/training/classes/{other.pk}", **bearer(world.organizer)).status_code == 404
    detail = client.get(f"/api/training/classes/{c.pk}", **bearer(world.organizer)).json()
    [p] = detail["participants"]
    person = world.people["in_branch"]
    assert p["name"] == "曾小芳" and p["id_number"] == person.masked_id_number != person.id_number
    bad = client.get("/api/training/classes?kind=nonsense", **bearer(world.admin))
    assert bad.status_code == 422 and bad.json()["errors"]["kind"] == ["培训类别无效。"]


def test_create_class_validates_in_chinese_and_checks_the_right(world, client):
    body = {"org_code": world.town_a1.code, "name": "轮训班", "kind": "member_rotation", "start_on": "2026-03-03",
            "end_on": "2026-03-01", "hours": 24}  # fmt: skip
    refused = client.post("/api/training/classes", body, content_type=JSON, **bearer(world.organizer))
    assert refused.status_code == 422
    assert refused.json()["errors"]["end_on"] == ["结束日期不能早于开始日期。"]
    assert client.post("/api/training/classes", {**body, "end_on": "2026-03-04"}, content_type=JSON,
                       **bearer(world.secretary)).status_code == 422  # the town is outside her scope  # fmt: skip
    assert client.post("/api/training/classes", {**body, "end_on": "2026-03-04"}, content_type=JSON,
                       **bearer(world.viewer)).status_code == 403  # fmt: skip
    created = client.post("/api/training/classes", {**body, "end_on": "2026-03-04"}, content_type=JSON,
                          **bearer(world.organizer))  # fmt: skip
    assert created.status_code == 201 and created.json()["days"] == 2
    assert TrainingClass.objects.count() == 1


def test_add_and_complete_record_step_11(world, client, introducers):
    case = candidate_case(world, introducers, name="赵新")
    c = make_class(world)
    headers = bearer(world.organizer)
    url = f"/api/training/classes/{c.pk}"
    outside = client.post(f"{url}/participants", {"person_ids": [world.people["county_b"].pk]}, content_type=JSON,
                          **headers)  # fmt: skip
    assert outside.status_code == 422 and "不在您的管理范围内" in outside.json()["errors"]["person_ids"][0]
    added = client.post(f"{url}/participants", {"person_ids": [case.person_id]}, content_type=JSON, **headers)
    assert added.status_code == 201 and added.json()["participants"][0]["category"] == "candidate"
    twice = client.post(f"{url}/participants", {"person_ids": [case.person_id]}, content_type=JSON, **headers)
    assert twice.status_code == 422 and twice.json()["errors"]["people"] == [
        "“赵新”已在本培训班的学员名单中。"
    ]
    done = client.post(f"{url}/complete", {"person_ids": [case.person_id]}, content_type=JSON, **headers)
    assert done.status_code == 200 and done.json()["completed_count"] == 1
    assert StepRecord.objects.filter(case=case, step=11, is_current=True).count() == 1
    assert client.post(f"{url}/complete", {"person_ids": [case.person_id]}, content_type=JSON,
                       **bearer(world.viewer)).status_code == 403  # fmt: skip


def test_a_short_class_is_a_422_naming_the_rule(world, client, introducers):
    case = candidate_case(world, introducers, name="赵新")
    c = make_class(world, start=D(2023, 6, 2), end=D(2023, 6, 3), hours=16)
    services.participants_add(actor=world.organizer, training_class=c, people=[case.person])
    response = client.post(f"/api/training/classes/{c.pk}/complete", {"person_ids": [case.person_id]},
                           content_type=JSON, **bearer(world.organizer))  # fmt: skip
    assert response.status_code == 422
    assert "【R-TRAIN】" in response.json()["errors"]["__all__"][0]
    assert not Participation.objects.filter(completed=True).exists()


def test_figures_in_the_api(world, client):
    c = make_class(world, kind="village_cadre", start=D(2026, 4, 1), end=D(2026, 4, 3))
    services.participants_add(actor=world.organizer, training_class=c, people=[world.people["other_branch"]],
                              category="village_cadre")  # fmt: skip
    services.participation_complete(
        actor=world.organizer, training_class=c, people=[world.people["other_branch"]]
    )
    query = f"org={world.town_a1.pk}&start=2026-01-01&end=2026-11-20"
    body = client.get(f"/api/training/figures?{query}", **bearer(world.organizer)).json()
    assert body["by_category"]["village_cadre"]["count"] == 1 and body["count"] == 1 and body["hours"] == 24.0
    assert client.get(f"/api/training/figures?org={world.county_b.pk}&start=2026-01-01&end=2026-11-20",
                      **bearer(world.organizer)).status_code == 404  # fmt: skip
