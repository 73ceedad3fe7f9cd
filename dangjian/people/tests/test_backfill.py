"""补录 (issue 12): the standing and milestone dates of someone without development records are
entered only through an explicit path that records who, when and why, and marks the file."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dangjian.audit.models import ChangeRecord
from dangjian.conftest import make_person, valid_id_number
from dangjian.development.rulesets import ensure_national
from dangjian.development.services import case_open, step_record
from dangjian.people.models import Person, Standing
from dangjian.people.services import people_bulk_create, person_backfill, person_create, person_update
from dangjian.people.tests.helpers import FROZEN, db_state, errors_of

pytestmark = pytest.mark.django_db
D = dt.date
REASON = "系统建立前入党，据本人党员档案补录"
NO_REASON = "请填写补录原因：这些日期从何而来（如“系统建立前入党，据本人党员档案补录”“由外单位转入”）。"


@pytest.fixture
def newcomer(world):
    """An applicant without a case, transferred in as a full member in fact."""
    return make_person(world.branch_a1_1, name="程转入", standing="applicant", applied_on=D(2009, 5, 1))


def backfill_refused(world, person, actor=None, **kwargs) -> dict[str, list[str]]:
    before = db_state()
    with pytest.raises(ValidationError) as info:
        person_backfill(actor=actor or world.secretary, person=person, **kwargs)
    assert db_state() == before
    return errors_of(info.value) if hasattr(info.value, "error_dict") else {"": info.value.messages}


# --- the service ----------------------------------------------------------------------------------


def test_backfill_sets_the_dates_and_marks_the_file(world, newcomer):
    with time_machine.travel(FROZEN, tick=False):
        person = person_backfill(
            actor=world.secretary, person=newcomer, reason=f"  {REASON} ", standing=Standing.FULL,
            applied_on=D(2009, 5, 1), admitted_on=D(2010, 7, 1), converted_on=D(2011, 7, 1),
        )  # fmt: skip
    person = Person.objects.get(pk=person.pk)
    assert (person.standing, person.admitted_on, person.converted_on) == (
        Standing.FULL,
        D(2010, 7, 1),
        D(2011, 7, 1),
    )
    assert person.is_backfilled and person.backfill_reason == REASON
    assert person.backfilled_by == world.secretary and person.backfilled_by_name == "secretary"
    assert person.backfilled_at == FROZEN
    change = ChangeRecord.objects.filter(object_type="people.person", object_id=person.pk).order_by("-id")[0]
    assert change.message == "补录" and change.actor == world.secretary
    assert change.after["补录原因"] == REASON and change.after["政治面貌/发展阶段"] == "正式党员"
    assert change.before["政治面貌/发展阶段"] == "入党申请人"


def test_a_full_member_without_application_date_is_accepted(world, newcomer):
    """Issue 12: a full member whose application date is unknown can be entered."""
    person = person_backfill(
        actor=world.secretary, person=newcomer, reason=REASON, standing=Standing.FULL,
        admitted_on=D(2005, 7, 1), converted_on=D(2006, 7, 1),
    )  # fmt: skip
    assert Person.objects.get(pk=person.pk).applied_on is None


def test_reason_is_required(world, newcomer):
    for reason in ("", "   "):
        errors = backfill_refused(
            world, newcomer, reason=reason, standing=Standing.FULL, admitted_on=D(2010, 7, 1),
            converted_on=D(2011, 7, 1),
        )  # fmt: skip
        assert errors == {"backfill_reason": [NO_REASON]}
    errors = backfill_refused(
        world, newcomer, reason="长" * 301, standing=Standing.PROBATIONARY, admitted_on=D(2010, 7, 1)
    )
    assert errors == {"backfill_reason": ["补录原因不超过300个字（现有301个）。"]}


def test_dates_must_be_in_order_not_in_the_future_and_fit_the_standing(world, newcomer):
    errors = backfill_refused(
        world,
        newcomer,
        reason=REASON,
        standing=Standing.FULL,
        admitted_on=D(2011, 7, 1),
        converted_on=D(2010, 7, 1),
    )
    assert errors == {"converted_on": ["转为正式党员日期不能早于接收为预备党员日期（2011-07-01）。"]}
    with time_machine.travel(FROZEN, tick=False):
        errors = backfill_refused(world, newcomer, reason=REASON, standing=Standing.PROBATIONARY,
                                  admitted_on=D(2024, 6, 2))  # fmt: skip
    assert errors == {"admitted_on": ["接收为预备党员日期不能晚于今天。"]}
    errors = backfill_refused(
        world, newcomer, reason=REASON, standing=Standing.FULL, admitted_on=D(2010, 7, 1)
    )
    assert errors == {"converted_on": ["发展阶段为“正式党员”时须填写转为正式党员日期。"]}
    errors = backfill_refused(world, newcomer, reason=REASON, standing=Standing.PROBATIONARY,
                              admitted_on=D(2010, 7, 1), converted_on=D(2011, 7, 1))  # fmt: skip
    assert errors == {"converted_on": ["发展阶段为“预备党员”时不应填写转为正式党员日期。"]}
    errors = backfill_refused(world, newcomer, reason=REASON, standing=Standing.ACTIVIST)
    assert errors == {"activist_on": ["发展阶段为“入党积极分子”时须填写确定为入党积极分子日期。"]}
    # Born 1985-03-09: admitted at 17 is not possible, whichever date comes first.
    errors = backfill_refused(world, newcomer, reason=REASON, standing=Standing.PROBATIONARY,
                              admitted_on=D(2002, 7, 1))  # fmt: skip
    assert errors == {"admitted_on": ["接收为预备党员日期时应已年满18周岁（出生于1985-03-09），请核对。"]}
    errors = backfill_refused(world, newcomer, reason=REASON, standing="member")
    assert errors == {"standing": ["请选择发展阶段（政治面貌）。"]}


def test_a_person_with_a_case_is_refused(world):
    ensure_national()
    person = make_person(world.branch_a1_1, name="有纪实", standing="applicant", applied_on=D(2024, 1, 5),
                         birth_date=D(1995, 2, 3))  # fmt: skip
    case = case_open(actor=world.secretary, person=person)
    step_record(actor=world.secretary, case=case, step=1, on=D(2024, 1, 5))
    errors = backfill_refused(
        world,
        person,
        reason=REASON,
        standing=Standing.FULL,
        admitted_on=D(2010, 7, 1),
        converted_on=D(2011, 7, 1),
    )
    assert errors == {
        "": [
            "该同志已建立发展纪实，政治面貌和各阶段日期由发展纪实的步骤记录生成，不能补录；请在发展纪实中办理。"
        ]
    }
    assert not Person.objects.get(pk=person.pk).is_backfilled


def test_out_of_scope_is_refused(world):
    before = db_state()
    with pytest.raises(PermissionDenied) as info:
        person_backfill(actor=world.secretary, person=world.people["county_b"], reason=REASON,
                        standing=Standing.PROBATIONARY, admitted_on=D(2010, 7, 1))  # fmt: skip
    assert str(info.value) == "您无权补录该同志的入党信息。"
    assert db_state() == before


def test_the_ordinary_update_cannot_change_the_dates(world, newcomer):
    before = db_state()
    with pytest.raises(ValidationError) as info:
        person_update(actor=world.secretary, person=newcomer, standing=Standing.FULL, admitted_on=D(2010, 7, 1),
                      converted_on=D(2011, 7, 1))  # fmt: skip
    assert set(errors_of(info.value)) == {"standing", "admitted_on", "converted_on"}
    assert "补录入党信息" in str(info.value)
    assert db_state() == before


# --- creating a file ----------------------------------------------------------------------------


def _member(**overrides) -> dict:
    data = {
        "name": "老党员", "id_number": valid_id_number(D(1950, 1, 1)), "standing": Standing.FULL,
        "admitted_on": D(1975, 7, 1), "converted_on": D(1976, 7, 1),
    }  # fmt: skip
    data.update(overrides)
    return data


def test_creating_a_member_is_backfill_and_needs_the_reason(world):
    before = db_state()
    with pytest.raises(ValidationError) as info:
        person_create(actor=world.secretary, org=world.branch_a1_1, **_member())
    assert errors_of(info.value) == {"backfill_reason": [NO_REASON]}
    assert db_state() == before
    person = person_create(actor=world.secretary, org=world.branch_a1_1, backfill_reason=REASON, **_member())
    assert person.is_backfilled and person.applied_on is None and person.backfilled_by == world.secretary
    created = ChangeRecord.objects.get(object_type="people.person", object_id=person.pk)
    assert created.message == "补录" and created.after["补录原因"] == REASON


def test_a_new_applicant_is_not_backfill(world):
    person = person_create(actor=world.secretary, org=world.branch_a1_1, name="新申请",
                           id_number=valid_id_number(D(2000, 1, 1)), standing=Standing.APPLICANT,
                           applied_on=D(2023, 1, 1))  # fmt: skip
    assert not person.is_backfilled and person.backfill_reason == ""


def test_bulk_marks_rows_with_a_reason(world):
    rows = [
        dict(_member(name="甲"), org=world.branch_a1_2),
        dict(_member(name="乙", id_number=valid_id_number(D(1951, 1, 1)), applied_on=D(1974, 1, 1)), org=world.branch_a1_2,
             backfill_reason=""),
    ]  # fmt: skip
    assert people_bulk_create(actor=world.admin, rows=rows, backfill_reason="导入：名册.xlsx") == 2
    marked = dict(Person.objects.filter(name__in="甲乙").values_list("name", "backfill_reason"))
    assert marked == {"甲": "导入：名册.xlsx", "乙": ""}
    assert Person.objects.get(name="甲").backfilled_by == world.admin
    # Without a reason the bulk load is as before (the demo's call).
    people_bulk_create(actor=None, rows=[dict(_member(name="丙", id_number=valid_id_number(D(1952, 1, 1)), applied_on=D(1974, 1, 1)),
                                              org=world.branch_a1_2)])  # fmt: skip
    assert not Person.objects.get(name="丙").is_backfilled


# --- pages ---------------------------------------------------------------------------------------


def test_backfill_page_saves_and_the_file_shows_the_badge(world, client_as, newcomer):
    client = client_as(world.secretary)
    detail = reverse("person-detail", args=[newcomer.pk])
    url = reverse("person-backfill", args=[newcomer.pk])
    page = client.get(detail).content.decode()
    assert f'href="{url}"' in page and 'id="backfill-badge"' not in page
    form = client.get(url).content.decode()
    assert "补录原因" in form and "保存补录" in form
    post = {"standing": "full", "applied_on": "", "activist_on": "", "candidate_on": "", "admitted_on": "2010-07-01",
            "converted_on": "2011-07-01", "reason": ""}  # fmt: skip
    refused = client.post(url, post)
    assert refused.status_code == 200 and NO_REASON in refused.content.decode()
    assert not Person.objects.get(pk=newcomer.pk).is_backfilled
    response = client.post(url, dict(post, reason=REASON))
    assert response.status_code == 302 and response["Location"] == detail
    page = client.get(detail).content.decode()
    assert 'id="backfill-badge"' in page and REASON in page and "secretary于" in page
    assert Person.objects.get(pk=newcomer.pk).standing == Standing.FULL


def test_backfill_page_refuses_a_case_holder_and_hides_the_link(world, client_as):
    ensure_national()
    person = make_person(world.branch_a1_1, name="有纪实", standing="applicant", applied_on=D(2024, 1, 5),
                         birth_date=D(1995, 2, 3))  # fmt: skip
    case_open(actor=world.secretary, person=person)
    client = client_as(world.secretary)
    url = reverse("person-backfill", args=[person.pk])
    assert f'href="{url}"' not in client.get(reverse("person-detail", args=[person.pk])).content.decode()
    response = client.post(url, {"standing": "full", "admitted_on": "2010-07-01", "converted_on": "2011-07-01",
                                 "reason": REASON}, follow=True)  # fmt: skip
    assert "不能补录" in response.content.decode()
    assert Person.objects.get(pk=person.pk).standing == Standing.APPLICANT


def test_backfill_page_out_of_scope_is_404(world, client_as):
    person = world.people["county_b"]
    for user in (world.secretary, world.viewer, world.outsider):
        client = client_as(user)
        assert client.get(reverse("person-backfill", args=[person.pk])).status_code == 404
        response = client.post(reverse("person-backfill", args=[person.pk]),
                               {"standing": "applicant", "applied_on": "2010-01-01", "reason": REASON})  # fmt: skip
        assert response.status_code == 404
    assert Person.objects.get(pk=person.pk).backfill_reason != REASON


def test_create_form_takes_a_member_only_with_the_reason(world, client_as):
    client = client_as(world.secretary)
    url = reverse("person-create", args=[world.branch_a1_1.pk])
    number = valid_id_number(D(1950, 1, 1))
    post = {"name": "老支书", "id_number": number, "ethnicity": "汉族", "category": "retired",
            "org_code": world.branch_a1_1.code, "standing": "full", "admitted_on": "1975-07-01",
            "converted_on": "1976-07-01"}  # fmt: skip
    refused = client.post(url, post)
    assert refused.status_code == 200 and NO_REASON in refused.content.decode()
    assert not Person.objects.filter(id_number=number).exists()
    response = client.post(url, dict(post, backfill_reason=REASON))
    assert response.status_code == 302
    person = Person.objects.get(id_number=number)
    assert person.is_backfilled and person.applied_on is None


def test_edit_form_shows_the_dates_but_does_not_take_them(world, client_as, newcomer):
    client = client_as(world.secretary)
    url = reverse("person-edit", args=[newcomer.pk])
    assert "补录入党信息" in client.get(url).content.decode()
    post = {"name": newcomer.name, "id_number": newcomer.id_number, "ethnicity": "汉族", "category": "other",
            "org_code": newcomer.org.code, "standing": "full", "admitted_on": "2010-07-01",
            "converted_on": "2011-07-01", "work_unit": "供销社"}  # fmt: skip
    assert client.post(url, post).status_code == 302
    person = Person.objects.get(pk=newcomer.pk)
    assert (
        person.standing == Standing.APPLICANT and person.admitted_on is None and person.work_unit == "供销社"
    )


# --- the API ---------------------------------------------------------------------------------------


def _api(client, user):
    from dangjian.accounts.services import api_token_create

    _token, secret = api_token_create(actor=user, user=user, name="t")
    return {"content_type": "application/json", "HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_api_has_no_back_door(world, client, newcomer):
    headers = _api(client, world.secretary)
    response = client.patch(f"/api/people/{newcomer.pk}", {"standing": "full", "admitted_on": "2010-07-01",
                            "converted_on": "2011-07-01"}, **headers)  # fmt: skip
    assert response.status_code == 422
    assert "补录入党信息" in str(response.json())
    body = {"name": "老党员", "id_number": valid_id_number(D(1950, 1, 1)), "org_code": world.branch_a1_1.code,
            "standing": "full", "admitted_on": "1975-07-01", "converted_on": "1976-07-01"}  # fmt: skip
    response = client.post("/api/people", body, **headers)
    assert response.status_code == 422 and NO_REASON in str(response.json())
    response = client.post("/api/people", dict(body, backfill_reason=REASON), **headers)
    assert response.status_code == 201 and response.json()["is_backfilled"] is True
    assert Person.objects.filter(standing=Standing.PROBATIONARY, name="程转入").count() == 0


def test_api_backfill_endpoint(world, client, newcomer):
    headers = _api(client, world.secretary)
    url = f"/api/people/{newcomer.pk}/backfill"
    body = {"standing": "probationary", "admitted_on": "2023-07-01", "reason": ""}
    response = client.post(url, body, **headers)
    assert response.status_code == 422 and NO_REASON in str(response.json())
    response = client.post(url, dict(body, reason=REASON), **headers)
    assert response.status_code == 200
    assert response.json()["is_backfilled"] is True and response.json()["backfill_reason"] == REASON
    assert client.post(f"/api/people/{world.people['county_b'].pk}/backfill", dict(body, reason=REASON),
                       **headers).status_code == 404  # fmt: skip
