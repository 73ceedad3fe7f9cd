"""A person with a development case has the standing and dates its records give: the person form,
the API and the service refuse any other value (issue 12: a secretary typed 正式党员 and four dates)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangjian.conftest import make_person
from dangjian.development.rulesets import ensure_national
from dangjian.development.services import case_open, step_record
from dangjian.people.models import Person, Standing
from dangjian.people.services import person_backfill, person_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(world):
    ensure_national()
    person = make_person(world.branch_a1_1, name="申请人甲", standing="applicant", applied_on=dt.date(2024, 1, 5),
                         birth_date=dt.date(1995, 2, 3))  # fmt: skip
    case = case_open(actor=world.secretary, person=person)
    step_record(actor=world.secretary, case=case, step=1, on=dt.date(2024, 1, 5))
    person.refresh_from_db()
    return person


def test_service_refuses_a_standing_the_records_do_not_give(world, applicant):
    with pytest.raises(ValidationError) as caught:
        person_update(actor=world.secretary, person=applicant, standing=Standing.FULL,
                      activist_on=dt.date(2024, 3, 1), candidate_on=dt.date(2024, 6, 1),
                      admitted_on=dt.date(2024, 9, 1), converted_on=dt.date(2025, 9, 1))  # fmt: skip
    assert set(caught.value.message_dict) == {
        "standing",
        "activist_on",
        "candidate_on",
        "admitted_on",
        "converted_on",
    }
    assert "由发展纪实的步骤记录生成" in str(caught.value)
    assert Person.objects.get(pk=applicant.pk).standing == Standing.APPLICANT


def test_other_fields_still_change(world, applicant):
    person_update(actor=world.secretary, person=applicant, work_unit="县人民医院")
    assert Person.objects.get(pk=applicant.pk).work_unit == "县人民医院"


def test_person_form_shows_the_dates_but_ignores_posted_ones(world, applicant, client_as):
    client = client_as(world.secretary)
    url = reverse("person-edit", args=[applicant.pk])
    page = client.get(url).content.decode()
    assert "由发展纪实的步骤记录生成" in page
    post = {
        "name": applicant.name, "id_number": applicant.id_number, "gender": "", "ethnicity": "汉族",
        "phone": "", "education": "", "category": applicant.category, "work_unit": "",
        "org_code": applicant.org.code, "standing": "full", "applied_on": "2024-01-05",
        "activist_on": "2024-03-01", "candidate_on": "2024-06-01", "admitted_on": "2024-09-01",
        "converted_on": "2025-09-01",
    }  # fmt: skip
    response = client.post(url, post)
    assert response.status_code == 302
    person = Person.objects.get(pk=applicant.pk)
    assert (
        person.standing == Standing.APPLICANT and person.converted_on is None and person.activist_on is None
    )


def test_api_patch_of_the_standing_is_refused(world, applicant, client):
    from dangjian.accounts.services import api_token_create

    _token, secret = api_token_create(actor=world.secretary, user=world.secretary, name="t")
    response = client.patch(f"/api/people/{applicant.pk}", {"standing": "full", "converted_on": "2025-09-01"},
                            content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")  # fmt: skip
    assert response.status_code == 422
    assert Person.objects.get(pk=applicant.pk).standing == Standing.APPLICANT


def test_a_person_without_a_case_changes_standing_only_by_backfill(world):
    person = make_person(world.branch_a1_1, name="老党员", standing="probationary")
    with pytest.raises(ValidationError):
        person_update(
            actor=world.secretary, person=person, standing=Standing.FULL, converted_on=dt.date(2013, 1, 1)
        )
    person_backfill(actor=world.secretary, person=person, standing=Standing.FULL, admitted_on=person.admitted_on,
                    converted_on=dt.date(2013, 1, 1), reason="据本人党员档案补录")  # fmt: skip
    assert Person.objects.get(pk=person.pk).standing == Standing.FULL


def test_a_name_too_long_is_refused_with_the_limit_not_cut(world, client_as):
    """Issue 12: the browser's maxlength cut a pasted name silently; the server names the limit."""
    client = client_as(world.secretary)
    url = reverse("person-create", args=[world.branch_a1_1.pk])
    page = client.get(url).content.decode()
    assert 'maxlength="40"' not in page
    assert 'type="checkbox" name="on_probation_watch" class="form-check-input"' in page  # a real checkbox
    from dangjian.conftest import valid_id_number

    long_name = "欧阳" + "长" * 40
    response = client.post(url, {"name": long_name, "id_number": valid_id_number(), "ethnicity": "汉族",
                                 "category": "other", "org_code": world.branch_a1_1.code, "standing": "applicant",
                                 "applied_on": "2024-01-05"})  # fmt: skip
    assert response.status_code == 200 and "40" in response.content.decode()
    assert not Person.objects.filter(name__startswith="欧阳长").exists()
