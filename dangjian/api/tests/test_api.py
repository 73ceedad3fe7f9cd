"""The HTTP API: documentation, authentication, scope, masking and writes through the services."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from dangjian.accounts.models import ApiToken, Role
from dangjian.accounts.services import api_token_create, role_grant
from dangjian.audit.models import ChangeRecord
from dangjian.conftest import valid_id_number
from dangjian.people.models import Person
from dangjian.people.services import person_update

PERSONAS = ("root", "admin", "organizer", "secretary", "viewer", "outsider")
HAN = re.compile(r"[\u4e00-\u9fff]")


def bearer(user) -> dict[str, str]:
    _, raw = api_token_create(actor=None, user=user, name="测试")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def api_as(world, client):
    """api_as(user): a client whose requests carry a fresh bearer token for `user`."""

    class TokenClient:
        def __init__(self, user):
            self.headers = bearer(user)

        def get(self, path, params=None):
            return client.get(path, params or {}, headers=self.headers)

        def post(self, path, data):
            return client.post(path, json.dumps(data), content_type="application/json", headers=self.headers)

        def patch(self, path, data):
            return client.patch(path, json.dumps(data), content_type="application/json", headers=self.headers)

    return TokenClient


# --- Documentation ----------------------------------------------------------------------------


def test_openapi_schema_lists_the_endpoints(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "党建 API"
    paths = schema["paths"]
    assert set(paths) >= {
        "/api/orgs",
        "/api/orgs/{org_id}",
        "/api/orgs/{org_id}/children",
        "/api/people",
        "/api/people/{person_id}",
    }
    assert {"get", "post"} <= set(paths["/api/people"])
    assert "patch" in paths["/api/people/{person_id}"]
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_docs_page_uses_only_local_assets(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"""<(?:script|link)\b[^>]*?(?:src|href)=["']([^"']+)["']""", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    external = [a for a in assets if re.match(r"(https?:)?//", a)]
    assert external == []
    assert "cdn." not in html and "unpkg" not in html
    # And the local files are really there to be served.
    for asset in assets:
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset


# --- Authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/orgs", "/api/people", "/api/people/1", "/api/orgs/1/children"])
def test_unauthenticated_is_401_in_chinese(client, db, path):
    response = client.get(path)
    assert response.status_code == 401
    detail = response.json()["detail"]
    assert HAN.search(detail), detail


def test_bearer_token_works_and_records_use(world, client):
    token, raw = api_token_create(actor=None, user=world.secretary, name="脚本")
    assert token.digest != raw and raw not in token.digest  # only the digest is stored
    assert token.last_used_at is None
    response = client.get("/api/orgs", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert [o["code"] for o in response.json()] == ["BR-A1-1"]
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer dj_not-a-real-token", "Bearer ", "Token abc", "dj_nothing"],
    ids=["bad", "empty", "scheme", "bare"],
)
def test_bad_token_is_401(world, client, header):
    response = client.get("/api/orgs", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效。"


def test_token_of_inactive_user_is_refused(world, client):
    headers = bearer(world.admin)
    world.admin.is_active = False
    world.admin.save()
    assert client.get("/api/orgs", headers=headers).status_code == 401


def test_deleted_token_is_refused(world, client):
    headers = bearer(world.admin)
    assert client.get("/api/orgs", headers=headers).status_code == 200
    ApiToken.objects.filter(user=world.admin).delete()
    assert client.get("/api/orgs", headers=headers).status_code == 401


def test_session_auth_works(world, client_as):
    response = client_as(world.viewer).get("/api/orgs")
    assert response.status_code == 200
    assert [o["code"] for o in response.json()] == ["CTY-A"]


def test_session_post_needs_csrf_token(world):
    """A logged-in browser session must not be usable for cross-site writes."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.secretary)
    before = Person.objects.count()
    response = client.post(
        "/api/people",
        json.dumps(_new_person_payload("BR-A1-1")),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert Person.objects.count() == before


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


# --- People: writes ---------------------------------------------------------------------------


def _new_person_payload(org_code: str, **overrides) -> dict:
    data = {
        "name": "何晓雯",
        "id_number": valid_id_number(dt.date(1995, 4, 3), "F"),
        "org_code": org_code,
        "standing": "applicant",
        "applied_on": "2020-05-04",
        "phone": "13900001111",
    }
    data.update(overrides)
    return data


def test_create_person(world, api_as):
    payload = _new_person_payload("BR-A1-1")
    response = api_as(world.secretary).post("/api/people", payload)
    assert response.status_code == 201, response.content
    data = response.json()
    person = Person.objects.get(pk=data["id"])
    assert person.id_number == payload["id_number"] and person.org_id == world.branch_a1_1.pk
    assert person.gender == "F" and person.birth_date == dt.date(1995, 4, 3)  # read from the number
    assert data["org_name"] == "东城镇第一党支部" and data["standing_label"] == "入党申请人"
    assert payload["id_number"] not in response.content.decode()
    assert ChangeRecord.objects.filter(object_type="people.person", object_id=person.pk).exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id_number", "51160219900517001"),  # 17 digits
        ("id_number", "511602199005170010"),  # wrong check digit
        ("id_number", "511602199002300011"),  # 30 February
        ("phone", "12345"),
        ("applied_on", "2009-01-01"),  # before 18
        ("standing", "leader"),
    ],
)
def test_create_person_invalid_is_422_in_chinese(world, api_as, field, value):
    before = Person.objects.count()
    records = ChangeRecord.objects.count()
    response = api_as(world.secretary).post("/api/people", _new_person_payload("BR-A1-1", **{field: value}))
    assert response.status_code == 422
    body = response.json()
    assert HAN.search(body["detail"])
    messages = body["errors"][field]
    assert messages and all(HAN.search(m) for m in messages)
    assert Person.objects.count() == before
    assert ChangeRecord.objects.count() == records


def test_create_person_bad_id_message_does_not_echo_number(world, api_as):
    response = api_as(world.secretary).post(
        "/api/people", _new_person_payload("BR-A1-1", id_number="511602199005170010")
    )
    assert response.status_code == 422
    assert "511602199005170010" not in response.content.decode()


def test_create_person_malformed_body_is_422_in_chinese(world, api_as):
    response = api_as(world.secretary).post("/api/people", {"name": "何晓雯"})
    assert response.status_code == 422
    assert HAN.search(response.json()["detail"])


def test_create_duplicate_id_number_is_refused(world, api_as):
    existing = world.people["in_branch"]
    before = Person.objects.count()
    response = api_as(world.secretary).post(
        "/api/people", _new_person_payload("BR-A1-1", id_number=existing.id_number, name="冒名", phone="")
    )
    assert response.status_code == 422
    assert "id_number" in response.json()["errors"]
    assert Person.objects.count() == before


@pytest.mark.parametrize(
    ("persona", "org_code", "statuses"),
    [
        ("secretary", "BR-A1-2", (403, 422)),  # not visible to the secretary
        ("secretary", "BR-B-1", (403, 422)),
        ("organizer", "BR-B-1", (403, 422)),
        ("secretary", "NO-SUCH-ORG", (422,)),
        ("viewer", "BR-A1-1", (403,)),  # visible, but the viewer may not write
        ("outsider", "BR-A1-1", (403, 422)),
    ],
)
def test_create_person_out_of_scope_is_refused(world, api_as, persona, org_code, statuses):
    before = Person.objects.count()
    response = api_as(getattr(world, persona)).post("/api/people", _new_person_payload(org_code))
    assert response.status_code in statuses
    assert HAN.search(response.json()["detail"])
    assert Person.objects.count() == before


def test_patch_updates(world, api_as):
    person = world.people["in_branch"]
    response = api_as(world.secretary).patch(
        f"/api/people/{person.pk}", {"work_unit": "东城社区党委书记", "phone": "13812345678"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["work_unit"] == "东城社区党委书记"
    assert response.json()["phone_masked"] == "138****5678"
    person.refresh_from_db()
    assert person.work_unit == "东城社区党委书记" and person.phone == "13812345678"
    assert person.name == "曾小芳" and person.standing == "full"  # untouched fields stay


def test_patch_moves_within_scope(world, api_as):
    person = world.people["in_branch"]
    response = api_as(world.organizer).patch(f"/api/people/{person.pk}", {"org_code": "BR-A1-2"})
    assert response.status_code == 200, response.content
    person.refresh_from_db()
    assert person.org_id == world.branch_a1_2.pk


def test_patch_invalid_is_422_and_unchanged(world, api_as):
    person = world.people["in_branch"]
    response = api_as(world.secretary).patch(
        f"/api/people/{person.pk}", {"id_number": "511602199005170010", "work_unit": "不应保存"}
    )
    assert response.status_code == 422
    assert all(HAN.search(m) for m in response.json()["errors"]["id_number"])
    person.refresh_from_db()
    assert person.work_unit == ""


def _snapshot(person: Person) -> tuple:
    person.refresh_from_db()
    return (person.org_id, person.work_unit, person.name, person.updated_at)


def test_patch_move_out_of_scope_is_refused(world, api_as):
    person = world.people["in_branch"]
    before = _snapshot(person)
    records = ChangeRecord.objects.count()
    for code in ("BR-A1-2", "BR-B-1"):
        response = api_as(world.secretary).patch(
            f"/api/people/{person.pk}", {"org_code": code, "work_unit": "不应保存"}
        )
        assert response.status_code in (403, 422)
        assert HAN.search(response.json()["detail"])
    assert _snapshot(person) == before
    assert ChangeRecord.objects.count() == records


def test_patch_move_into_viewable_but_unmanaged_org_is_rolled_back(world, api_as):
    """The write is re-checked after it is made: the target must be managed, not only visible."""
    role_grant(actor=None, user=world.secretary, org=world.town_a1, role=Role.VIEWER)
    person = world.people["in_branch"]
    before = _snapshot(person)
    records = ChangeRecord.objects.count()
    response = api_as(world.secretary).patch(
        f"/api/people/{person.pk}", {"org_code": "BR-A1-2", "work_unit": "不应保存"}
    )
    assert response.status_code == 403
    assert "不在您的管理范围内" in response.json()["detail"]
    assert _snapshot(person) == before
    assert ChangeRecord.objects.count() == records


@pytest.mark.parametrize(
    ("persona", "key", "status"),
    [
        ("viewer", "in_branch", 403),
        ("viewer", "other_branch", 403),
        ("secretary", "other_branch", 404),
        ("organizer", "county_b", 404),
        ("outsider", "in_branch", 404),
    ],
)
def test_patch_without_right(world, api_as, persona, key, status):
    person = world.people[key]
    before = _snapshot(person)
    response = api_as(getattr(world, persona)).patch(f"/api/people/{person.pk}", {"work_unit": "不应保存"})
    assert response.status_code == status
    assert HAN.search(response.json()["detail"])
    assert _snapshot(person) == before


def test_patch_reduced_person_is_refused(world, api_as):
    from dangjian.people.services import person_reduce

    person = person_reduce(
        actor=None, person=world.people["applicant"], reduction="development_ended",
        reduced_on=dt.date(2024, 1, 2), note="本人放弃",
    )  # fmt: skip
    response = api_as(world.secretary).patch(f"/api/people/{person.pk}", {"work_unit": "不应保存"})
    assert response.status_code == 422
    person.refresh_from_db()
    assert person.work_unit == ""
