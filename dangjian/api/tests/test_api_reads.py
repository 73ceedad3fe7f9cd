"""The HTTP API: orgs and people reads, with scope and masking."""

from __future__ import annotations

import pytest

from dangjian.api.tests.helpers import HAN
from dangjian.people.models import Person
from dangjian.people.services import person_update

PERSONAS = ("root", "admin", "organizer", "secretary", "viewer", "outsider")


# --- Orgs -------------------------------------------------------------------------------------

ROOTS = {
    "root": ["CITY"],
    "admin": ["CITY"],
    "organizer": ["TOWN-A1"],
    "secretary": ["BR-A1-1"],
    "viewer": ["CTY-A"],
    "outsider": [],
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_org_roots_per_persona(world, api_as, persona):
    response = api_as(getattr(world, persona)).get("/api/orgs")
    assert response.status_code == 200
    assert [o["code"] for o in response.json()] == ROOTS[persona]


def test_org_detail_fields(world, api_as):
    response = api_as(world.organizer).get(f"/api/orgs/{world.town_a1.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["code"] == "TOWN-A1"
    assert data["kind"] == "committee" and data["kind_label"] == "党委"
    assert data["has_approval_authority"] is True
    assert data["child_count"] == 2
    assert data["founded_on"] == "2001-07-01" and data["dissolved_on"] is None


@pytest.mark.parametrize(
    ("persona", "org", "status"),
    [
        ("secretary", "town_a1", 404),  # an ancestor of the branch
        ("secretary", "branch_a1_2", 404),  # a sibling
        ("organizer", "branch_b_1", 404),
        ("viewer", "county_b", 404),
        ("outsider", "city", 404),
        ("viewer", "group_a1_1_1", 200),
        ("admin", "branch_b_1", 200),
        ("root", "branch_b_1", 200),
    ],
)
def test_org_detail_scope(world, api_as, persona, org, status):
    response = api_as(getattr(world, persona)).get(f"/api/orgs/{getattr(world, org).pk}")
    assert response.status_code == status
    if status == 404:
        assert HAN.search(response.json()["detail"])
        assert getattr(world, org).name not in response.content.decode()


def test_nonexistent_org_is_404_like_out_of_scope(world, api_as):
    missing = api_as(world.secretary).get("/api/orgs/999999")
    hidden = api_as(world.secretary).get(f"/api/orgs/{world.town_a1.pk}")
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


def test_children(world, api_as):
    response = api_as(world.viewer).get(f"/api/orgs/{world.town_a1.pk}/children")
    assert response.status_code == 200
    assert [o["code"] for o in response.json()] == ["BR-A1-1", "BR-A1-2"]
    response = api_as(world.admin).get(f"/api/orgs/{world.city.pk}/children")
    assert [o["code"] for o in response.json()] == ["CTY-A", "CTY-B"]
    assert api_as(world.secretary).get(f"/api/orgs/{world.town_a1.pk}/children").status_code == 404
    assert api_as(world.organizer).get(f"/api/orgs/{world.county_b.pk}/children").status_code == 404


# --- People: reads ----------------------------------------------------------------------------


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["count"] == len(data["items"])
    return sorted(p["name"] for p in data["items"])


def test_people_list_is_scoped(world, api_as):
    assert _names(api_as(world.secretary).get("/api/people")) == sorted(["曾小芳", "单明"])
    assert _names(api_as(world.viewer).get("/api/people")) == sorted(["曾小芳", "单明", "欧阳修远"])
    assert _names(api_as(world.admin).get("/api/people")) == sorted(["曾小芳", "单明", "欧阳修远", "李小艳"])
    assert _names(api_as(world.outsider).get("/api/people")) == []


def test_people_filters(world, api_as):
    api = api_as(world.organizer)
    assert _names(api.get("/api/people", {"org": world.branch_a1_2.pk})) == ["欧阳修远"]
    assert _names(api.get("/api/people", {"org": world.town_a1.pk, "standing": "applicant"})) == ["单明"]
    assert _names(api.get("/api/people", {"standing": "full"})) == sorted(["曾小芳", "欧阳修远"])
    assert _names(api.get("/api/people", {"org": world.town_a1.pk, "direct": "true"})) == []
    assert _names(api_as(world.admin).get("/api/people", {"category": "medical"})) == ["李小艳"]
    # An org outside the scope is a 404, not an empty list.
    assert api.get("/api/people", {"org": world.branch_b_1.pk}).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("欧阳", ["欧阳修远"]),
        ("oyxy", ["欧阳修远"]),  # initials
        ("ou yang", ["欧阳修远"]),  # full pinyin, syllables spaced
        ("ouyang", ["欧阳修远"]),  # full pinyin run together
        ("ouyangxiuyuan", ["欧阳修远"]),
        ("OuYangXiu", ["欧阳修远"]),
        ("zengxiaofang", ["曾小芳"]),  # 曾 read zeng, not ceng
        ("cengxiaofang", []),
        ("lixiaoyan", []),  # exists, but in the other county
        ("李小艳", []),  # exists, but in the other county
        ("lxy", []),
    ],
)
def test_people_search_is_scoped(world, api_as, query, expected):
    assert _names(api_as(world.organizer).get("/api/people", {"q": query})) == expected


def test_people_search_by_id_number_is_scoped(world, api_as):
    api = api_as(world.organizer)
    inside = world.people["other_branch"]
    outside = world.people["county_b"]
    assert _names(api.get("/api/people", {"q": inside.id_number})) == [inside.name]
    assert _names(api.get("/api/people", {"q": inside.id_number[:17]})) == [inside.name]  # prefix
    # A prefix shared with an out-of-scope person finds only the in-scope ones.
    assert outside.id_number[:6] == inside.id_number[:6]
    assert outside.name not in _names(api.get("/api/people", {"q": outside.id_number[:6]}))
    assert _names(api.get("/api/people", {"q": outside.id_number})) == []
    assert _names(api_as(world.admin).get("/api/people", {"q": outside.id_number})) == [outside.name]


@pytest.mark.parametrize("persona", ["root", "admin", "organizer", "viewer"])
def test_personal_data_is_masked_everywhere(world, api_as, persona):
    person = person_update(actor=None, person=world.people["other_branch"], phone="13812345678")
    api = api_as(getattr(world, persona))
    bodies = [
        api.get("/api/people"),
        api.get("/api/people", {"q": person.id_number}),
        api.get(f"/api/people/{person.pk}"),
    ]
    for response in bodies:
        assert response.status_code == 200
        text = response.content.decode()
        for p in Person.objects.all():
            assert p.id_number not in text
        assert "13812345678" not in text
        assert '"id_number"' not in text and '"phone"' not in text
    detail = bodies[2].json()
    assert detail["id_number_masked"] == person.id_number[:3] + "*" * 11 + person.id_number[-4:]
    assert detail["phone_masked"] == "138****5678"


def test_person_detail_scope(world, api_as):
    api = api_as(world.secretary)
    assert api.get(f"/api/people/{world.people['in_branch'].pk}").status_code == 200
    for key in ("other_branch", "county_b"):
        response = api.get(f"/api/people/{world.people[key].pk}")
        assert response.status_code == 404
        assert world.people[key].name not in response.content.decode()
