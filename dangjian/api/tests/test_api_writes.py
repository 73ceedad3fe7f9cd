"""The HTTP API: people writes through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.accounts.models import Role
from dangjian.accounts.services import role_grant
from dangjian.api.tests.helpers import HAN, new_person_payload
from dangjian.audit.models import ChangeRecord
from dangjian.people.models import Person

# --- People: writes ---------------------------------------------------------------------------


def test_create_person(world, api_as):
    payload = new_person_payload("BR-A1-1")
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
    response = api_as(world.secretary).post("/api/people", new_person_payload("BR-A1-1", **{field: value}))
    assert response.status_code == 422
    body = response.json()
    assert HAN.search(body["detail"])
    messages = body["errors"][field]
    assert messages and all(HAN.search(m) for m in messages)
    assert Person.objects.count() == before
    assert ChangeRecord.objects.count() == records


def test_create_person_bad_id_message_does_not_echo_number(world, api_as):
    response = api_as(world.secretary).post(
        "/api/people", new_person_payload("BR-A1-1", id_number="511602199005170010")
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
        "/api/people", new_person_payload("BR-A1-1", id_number=existing.id_number, name="冒名", phone="")
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
    response = api_as(getattr(world, persona)).post("/api/people", new_person_payload(org_code))
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
