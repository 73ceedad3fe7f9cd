"""The mobilization services for front-line recommendations.

What they write, what they refuse (in Chinese, changing nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.conftest import make_person
from dangjian.development.models import Case
from dangjian.mobilization import services
from dangjian.mobilization.tests.conftest import _temp_branch, days_ago
from dangjian.people.models import Person

# ---- front line and commendations ----------------------------------------------------------------


def test_frontline_recommendation_opens_a_frontline_case_at_the_home_branch(world, epidemic):
    nurse = make_person(world.branch_b_1, name="刘小林", gender="F", standing="applicant", applied_on=dt.date(2020, 2, 13),
                        category="medical")  # fmt: skip
    rec = services.frontline_recommend(
        actor=world.admin, campaign=epidemic, person=nurse, recommended_by=world.county_b,
        recommended_on=dt.date(2020, 2, 14), reason="出征武汉，表现突出",
    )  # fmt: skip
    case = Case.objects.get(person=nurse)
    assert rec.case == case and case.org == world.branch_b_1
    assert case.frontline and case.special_basis == epidemic.frontline_basis
    assert case.source == "一线推荐：新冠肺炎疫情防控"
    with pytest.raises(ValidationError, match="已被推荐"):
        services.frontline_recommend(
            actor=world.admin, campaign=epidemic, person=nurse, recommended_by=world.county_b,
            recommended_on=dt.date(2020, 2, 14), reason="再次推荐",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="不需要推荐入党"):
        services.frontline_recommend(
            actor=world.admin, campaign=epidemic, person=world.people["in_branch"], recommended_by=world.county_b,
            recommended_on=dt.date(2020, 2, 14), reason="表现突出",
        )  # fmt: skip


def test_a_recommendation_from_outside_the_home_org_waits_for_it(world, flood):
    """A temporary org recommends; the home branch opens the case (RULES.md §7.4). Outside 2020,
    the case is an ordinary one."""
    link = _temp_branch(world, flood)
    applicant = world.people["applicant"]
    services.registration_create(
        actor=world.admin, campaign=flood, person=world.people["county_b"], community=world.branch_a1_1,
        registered_on=flood.starts_on,
    )  # fmt: skip
    rec = services.frontline_recommend(
        actor=world.organizer, campaign=flood, person=applicant, recommended_by=link.org,
        recommended_on=days_ago(1), reason="抗洪抢险表现突出",
    )  # fmt: skip
    assert rec.case is not None and not rec.case.frontline  # the organizer manages the home branch too
    # Someone outside the organizer's scope: the county_b member works at 乙县医院.
    Person.objects.filter(pk=world.people["county_b"].pk).update(standing="applicant", admitted_on=None,
                                                                  converted_on=None, candidate_on=None)  # fmt: skip
    waiting = services.frontline_recommend(
        actor=world.organizer, campaign=flood, person=world.people["county_b"], recommended_by=link.org,
        recommended_on=days_ago(1), reason="报到后参加抢险",
    )  # fmt: skip
    assert waiting.case is None
    with pytest.raises(PermissionDenied):
        services.frontline_accept(actor=world.organizer, recommendation=waiting)
    accepted = services.frontline_accept(actor=world.admin, recommendation=waiting)
    assert (
        accepted.case.person_id == world.people["county_b"].pk
        and accepted.case.source == "一线推荐：防汛救灾"
    )
