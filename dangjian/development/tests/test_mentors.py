"""一对一帮带: a full member of the branch mentors a probationary member; history kept as rows."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.conftest import make_person
from dangjian.development.models import Mentor
from dangjian.development.services import case_open, mentor_assign
from dangjian.development.tests.test_services import TODAY

D = dt.date


@pytest.fixture
def probationer(world):
    with time_machine.travel(TODAY, tick=False):
        person = make_person(world.branch_a1_1, name="周预备", standing="probationary", applied_on=D(2021, 3, 1),
                             activist_on=D(2021, 6, 1), candidate_on=D(2022, 7, 1), admitted_on=D(2023, 7, 1))  # fmt: skip
        yield case_open(actor=world.secretary, person=person, is_backfill=True)


def test_a_new_mentor_ends_the_last_one_and_both_stay_on_record(world, probationer):
    first, second = world.people["in_branch"], make_person(world.branch_a1_1, name="吴老党员")
    with time_machine.travel(TODAY, tick=False):
        mentor_assign(actor=world.secretary, case=probationer, mentor=first, on=D(2023, 7, 5))
        mentor_assign(
            actor=world.secretary, case=probationer, mentor=second, on=D(2024, 1, 10), note="原帮带人外出"
        )
    rows = list(probationer.mentors.values_list("mentor__name", "since", "until"))
    assert rows == [(first.name, D(2023, 7, 5), D(2024, 1, 10)), ("吴老党员", D(2024, 1, 10), None)]


def test_refusals_say_why_and_change_nothing(world, probationer):
    applicant = make_person(world.branch_a1_1, name="郑申请", standing="applicant", applied_on=D(2024, 3, 1))
    with time_machine.travel(TODAY, tick=False):
        cases = {
            "not_probationary": case_open(actor=world.secretary, person=make_person(
                world.branch_a1_1, name="冯积极", standing="activist", applied_on=D(2023, 1, 1), activist_on=D(2023, 6, 1))),
        }  # fmt: skip
        for case, mentor, on, message in (
            (probationer, applicant, D(2023, 8, 1), "帮带人应为在册的正式党员"),
            (probationer, probationer.person, D(2023, 8, 1), "本人不能担任自己的帮带人"),
            (probationer, world.people["in_branch"], D(2023, 6, 1), "不能早于接收为预备党员的日期"),
            (probationer, world.people["in_branch"], D(2027, 1, 1), "不能晚于今天"),
            (cases["not_probationary"], world.people["in_branch"], D(2024, 1, 1), "适用于预备党员"),
            (probationer, world.people["county_b"], D(2023, 8, 1), "所选党员不存在"),  # out of her scope
        ):
            with pytest.raises(ValidationError, match=message):
                mentor_assign(actor=world.secretary, case=case, mentor=mentor, on=on)
        with pytest.raises(PermissionDenied):
            mentor_assign(
                actor=world.viewer, case=probationer, mentor=world.people["in_branch"], on=D(2023, 8, 1)
            )
    assert not Mentor.objects.exists()


def test_the_case_page_shows_the_mentor_and_the_form_assigns_one(world, probationer, client_as):
    client = client_as(world.secretary)
    page = client.get(f"/development/case/{probationer.pk}/").content.decode()
    assert "一对一帮带" in page and "未指定" in page
    form = client.get(f"/development/case/{probationer.pk}/mentor/").content.decode()
    assert (
        world.people["in_branch"].name in form
        and "周预备" not in form.split("<select")[1].split("</select>")[0]
    )
    refused = client.post(f"/development/case/{probationer.pk}/mentor/", {"mentor": world.people["in_branch"].pk,
                                                                          "on": "2023-01-01"})  # fmt: skip
    assert "不能早于接收为预备党员的日期" in refused.content.decode() and not Mentor.objects.exists()
    done = client.post(f"/development/case/{probationer.pk}/mentor/", {"mentor": world.people["in_branch"].pk,
                                                                       "on": "2023-07-05"})  # fmt: skip
    assert done.status_code == 302
    page = client.get(f"/development/case/{probationer.pk}/").content.decode()
    assert f"{world.people['in_branch'].name} (2023-07-05" in page
    assert client_as(world.outsider).get(f"/development/case/{probationer.pk}/mentor/").status_code == 404
