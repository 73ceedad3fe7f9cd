"""The branch-life API: scoped like the pages, refusals in Chinese and nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from dangjian.conftest import make_person
from dangjian.meetings.models import Attendance, Meeting
from dangjian.orglife.models import Committee

NAMES = "甲乙丙丁戊己庚"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def members(world):
    return [world.people["in_branch"], *(make_person(world.branch_a1_1, name=f"赵{n}") for n in NAMES[:4])]


def test_record_a_themed_day_with_attendance(client, world, members):
    client.force_login(world.secretary)
    body = {"org": world.branch_a1_1.pk, "kind": "themed_day", "held_on": "2026-12-03", "topic": "学习党章",
            "purposes": ["party_lecture"], "lecturer": "王书记", "lecturer_is_secretary": True}  # fmt: skip
    made = client.post("/api/orglife/meetings", body, content_type="application/json")
    assert made.status_code == 201, made.content
    meeting_id = made.json()["id"]
    assert made.json()["purposes"] == ["party_lecture"] and made.json()["quorum_met"] is None
    entries = [{"person_id": p.pk, "status": "present"} for p in members]
    entries[0] = {"person_id": members[0].pk, "status": "leave"}
    refused = client.put(f"/api/orglife/meetings/{meeting_id}/attendance", {"entries": entries},
                         content_type="application/json")  # fmt: skip
    assert refused.status_code == 422 and "请填写请假事由" in str(refused.json())
    assert not Attendance.objects.exists()
    entries[0]["reason"] = "外出"
    done = client.put(f"/api/orglife/meetings/{meeting_id}/attendance", {"entries": entries},
                      content_type="application/json")  # fmt: skip
    assert done.status_code == 200
    assert [a["status"] for a in done.json()["attendance"]].count("present") == 4
    listed = client.get(f"/api/orglife/meetings?org={world.branch_a1_1.pk}&kind=party_lecture").json()
    assert [m["id"] for m in listed["items"]] == [meeting_id]
    figures = client.get(f"/api/orglife/figures?org={world.branch_a1_1.pk}&year=2026").json()
    assert figures["attendance_present"] == 4 and figures["attendance_listed"] == 5
    assert client.get(f"/api/orglife/figures?org={world.branch_a1_1.pk}&year=2031").status_code == 422


def test_out_of_scope_and_bad_input(client, world, members):
    client.force_login(world.secretary)
    other = {"org": world.branch_a1_2.pk, "kind": "themed_day", "held_on": "2026-12-03"}
    assert client.post("/api/orglife/meetings", other, content_type="application/json").status_code == 404
    bad = {"org": world.branch_a1_1.pk, "kind": "picnic", "held_on": "2026-12-03"}
    assert client.post("/api/orglife/meetings", bad, content_type="application/json").status_code == 422
    assert not Meeting.objects.exists()
    foreign = Meeting.objects.create(org=world.branch_a1_2, kind="themed_day", held_on=dt.date(2026, 12, 1),
                                     expected_voters=0, present_voters=0)  # fmt: skip
    assert client.get(f"/api/orglife/meetings/{foreign.pk}").status_code == 404


def test_elect_a_committee(client, world, members):
    client.force_login(world.secretary)
    body = {"org": world.branch_a1_1.pk, "elected_on": "2024-03-01",
            "members": [{"person_id": members[0].pk, "post": "secretary"}, {"person_id": members[1].pk, "post": "secretary"}]}  # fmt: skip
    refused = client.post("/api/orglife/committees", body, content_type="application/json")
    assert refused.status_code == 422 and "有且只有一名书记" in str(refused.json())
    body["members"][1]["post"] = "organization"
    made = client.post("/api/orglife/committees", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["term_years"] == 5
    outsider = make_person(world.branch_b_1, name="周外人")
    body["members"][1] = {"person_id": outsider.pk, "post": "member"}
    body["elected_on"] = "2025-03-01"
    assert client.post("/api/orglife/committees", body, content_type="application/json").status_code == 422
    assert Committee.objects.count() == 1
    assert len(client.get(f"/api/orglife/committees?org={world.branch_a1_1.pk}").json()) == 1
