"""一线推荐、逐级审核 (seed 000): a campaign's recommendations pass its review levels in order; the
last agreement opens the case at the home branch, a return stops the recommendation with its reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.conftest import make_person
from dangjian.development.models import Case
from dangjian.mobilization import services
from dangjian.mobilization.models import FrontlineReview
from dangjian.mobilization.selectors import campaign_stats

D = dt.date


@pytest.fixture
def chained(world, epidemic):
    return services.campaign_update(
        actor=world.admin, campaign=epidemic, review_levels=["branch", "committee", "department"]
    )


@pytest.fixture
def nurse(world):
    return make_person(world.branch_a1_1, name="刘小林", gender="F", standing="applicant", applied_on=D(2020, 2, 1),
                       category="medical")  # fmt: skip


def recommend(world, campaign, person):
    return services.frontline_recommend(
        actor=world.admin, campaign=campaign, person=person, recommended_by=world.county_a,
        recommended_on=D(2020, 2, 14), reason="出征武汉，表现突出",
    )  # fmt: skip


def test_each_level_agrees_in_turn_and_the_last_opens_the_case(world, chained, nurse):
    rec = recommend(world, chained, nurse)
    assert rec.case is None and not Case.objects.filter(person=nurse).exists()
    assert services.review_status(rec, [])[1] == "branch"
    with pytest.raises(
        PermissionDenied, match="待被推荐人所在党支部"
    ):  # the committee cannot skip the branch
        services.frontline_review(actor=world.viewer, recommendation=rec, decision="agree", on=D(2020, 2, 15))
    services.frontline_review(actor=world.secretary, recommendation=rec, decision="agree", on=D(2020, 2, 15))
    with pytest.raises(PermissionDenied, match="待基层党委（东城镇党委）审核"):
        services.frontline_review(
            actor=world.secretary, recommendation=rec, decision="agree", on=D(2020, 2, 16)
        )
    services.frontline_review(actor=world.organizer, recommendation=rec, decision="agree", on=D(2020, 2, 16))
    rec.refresh_from_db()
    assert rec.case is None  # the 组织部 has not agreed yet
    services.frontline_review(actor=world.admin, recommendation=rec, decision="agree", on=D(2020, 2, 17))
    rec.refresh_from_db()
    assert rec.case is not None and rec.case.org == world.branch_a1_1 and rec.case.frontline
    levels = list(FrontlineReview.objects.filter(recommendation=rec).values_list("level", "org__code"))
    assert levels == [("branch", "BR-A1-1"), ("committee", "TOWN-A1"), ("department", "CITY")]
    with pytest.raises(ValidationError, match="已审核完毕"):
        services.frontline_review(actor=world.admin, recommendation=rec, decision="agree", on=D(2020, 2, 17))


def test_a_return_needs_a_reason_and_stops_the_recommendation(world, chained, nurse):
    rec = recommend(world, chained, nurse)
    services.frontline_review(actor=world.secretary, recommendation=rec, decision="agree", on=D(2020, 2, 15))
    with pytest.raises(ValidationError, match="退回须写明理由"):
        services.frontline_review(
            actor=world.organizer, recommendation=rec, decision="return", on=D(2020, 2, 16)
        )
    with pytest.raises(ValidationError, match="请选择"):
        services.frontline_review(
            actor=world.organizer, recommendation=rec, decision="maybe", on=D(2020, 2, 16)
        )
    with pytest.raises(ValidationError, match="审核日期应在推荐日期"):
        services.frontline_review(
            actor=world.organizer, recommendation=rec, decision="agree", on=D(2020, 2, 1)
        )
    assert FrontlineReview.objects.count() == 1
    services.frontline_review(actor=world.organizer, recommendation=rec, decision="return", reason="入党动机需进一步考察",
                              on=D(2020, 2, 16))  # fmt: skip
    assert services.review_status(rec, list(rec.reviews.all())) == ("returned", "committee")
    with pytest.raises(ValidationError, match="已被基层党委退回"):
        services.frontline_review(actor=world.admin, recommendation=rec, decision="agree", on=D(2020, 2, 17))
    with pytest.raises(ValidationError, match="须逐级审核"):
        services.frontline_accept(actor=world.secretary, recommendation=rec)
    assert not Case.objects.filter(person=nurse).exists()
    frontline = campaign_stats(world.admin, chained).frontline
    assert (frontline["applications"], frontline["cases"], frontline["pending"]) == (
        1,
        0,
        0,
    )  # returned: not waiting


def test_without_a_chain_nothing_changes(world, epidemic, nurse):
    rec = recommend(world, epidemic, nurse)
    assert rec.case is not None
    with pytest.raises(ValidationError, match="不设逐级审核"):
        services.frontline_review(actor=world.admin, recommendation=rec, decision="agree", on=D(2020, 2, 15))


def test_an_unknown_level_is_refused(world, epidemic):
    with pytest.raises(ValidationError, match="逐级审核层级无效"):
        services.campaign_update(actor=world.admin, campaign=epidemic, review_levels="branch,mayor")
    epidemic.refresh_from_db()
    assert epidemic.review_levels == ""


def test_the_frontline_page_shows_where_each_stands_and_reviews(world, chained, nurse, client_as):
    rec = recommend(world, chained, nurse)
    url = f"/mobilization/{chained.pk}/frontline/"
    secretary = client_as(world.secretary)
    page = secretary.get(url).content.decode()
    assert "待被推荐人所在党支部审核" in page and "review-form" in page
    done = secretary.post(f"/mobilization/frontline/{rec.pk}/review/", {"decision": "agree"}, follow=True)
    assert FrontlineReview.objects.filter(recommendation=rec).count() == 1, done.content.decode()[-3000:]
    page = client_as(world.organizer).get(url).content.decode()
    assert "待基层党委审核" in page and "review-form" in page
    mine = client_as(world.secretary).get(url).content.decode()  # client_as logs the one test client in
    assert "待基层党委审核" in mine and "review-form" not in mine  # not hers to review any more
    refused = client_as(world.organizer).post(f"/mobilization/frontline/{rec.pk}/review/", {"decision": "return"},
                                              follow=True)  # fmt: skip
    assert "退回须写明理由" in refused.content.decode()
    client_as(world.organizer).post(f"/mobilization/frontline/{rec.pk}/review/",
                                    {"decision": "return", "reason": "群众意见较大"})  # fmt: skip
    page = client_as(world.admin).get(url).content.decode()
    assert "已被基层党委退回" in page and "群众意见较大" in page
