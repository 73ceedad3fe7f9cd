"""Issue 12: the superior steps (13 预审, 16 上级党委派人谈话, 17 审批, 18 审批备案, 24 转正审批) are
recorded by the superior committee — the nearest org above the branch with the authority to approve
admissions — as the acting org, and only by a user with the change right there; a 支部书记 is told
whose step it is, in the service (ValidationError), on the pages (403, and no 记录 link) and in the
API (422)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.accounts.services import api_token_create
from dangjian.conftest import make_person
from dangjian.development import acting, services
from dangjian.development.catalog import SUPERIOR_STEPS
from dangjian.development.models import StepRecord
from dangjian.development.services import case_open, cases_backfill, step_record
from dangjian.development.tests.test_services import admit, frozen, introducers  # noqa: F401

D = dt.date
SECRETARY_REFUSAL = "由上级党委（东城镇党委）的组织员记录，党支部不能代为记录"


@pytest.fixture
def case(world, frozen):  # noqa: F811
    person = make_person(world.branch_a1_1, name="赵新", standing="applicant", applied_on=D(2022, 3, 1),
                         birth_date=D(1996, 4, 4))  # fmt: skip
    return case_open(actor=world.secretary, person=person)


def test_the_catalog_names_the_superior_steps():
    assert SUPERIOR_STEPS == (13, 16, 17, 18, 24)


def test_the_superior_committee_is_the_nearest_org_above_with_approval_authority(world):
    assert acting.superior_committee(world.branch_a1_1) == world.town_a1
    # 乙县医院党总支 cannot approve: the committee above it does.
    assert acting.superior_committee(world.branch_b_1) == world.county_b
    assert acting.superior_committees([world.branch_a1_1, world.branch_b_1, world.city]) == {
        world.branch_a1_1.pk: world.town_a1, world.branch_b_1.pk: world.county_b, world.city.pk: None,
    }  # fmt: skip
    assert acting.acting_org(world.branch_b_1, 13) == world.county_b
    assert acting.acting_org(world.branch_b_1, 12) == world.branch_b_1


@pytest.mark.parametrize("step", [13, 16, 18])
def test_the_secretary_cannot_record_a_superior_step_and_the_organizer_can(world, case, introducers, step):  # noqa: F811
    admit(world, case, introducers, upto=step - 1)
    before = StepRecord.objects.count()
    on = {13: D(2023, 6, 20), 16: D(2023, 7, 10), 18: D(2023, 8, 10)}[step]
    with pytest.raises(ValidationError) as refused:
        step_record(actor=world.secretary, case=case, step=step, on=on)
    assert SECRETARY_REFUSAL in refused.value.messages[0]
    with pytest.raises(PermissionDenied):  # no right on the case at all: a plain refusal
        step_record(actor=world.viewer, case=case, step=step, on=on)
    assert StepRecord.objects.count() == before
    saved = step_record(actor=world.organizer, case=case, step=step, on=on, note="东城镇党委办理")
    assert saved.org == world.town_a1  # the committee is the acting org, without being named
    assert saved.actor == world.organizer


def test_a_superior_step_is_refused_for_the_branch_or_an_org_without_authority(world, frozen):  # noqa: F811
    person = make_person(world.branch_b_1, name="孙护士", standing="applicant", applied_on=D(2022, 3, 1))
    case = case_open(actor=world.admin, person=person)
    step_record(actor=world.admin, case=case, step=1, on=D(2022, 3, 1))
    with pytest.raises(
        ValidationError, match="上级党委预审应由有审批权限的上级党委办理，“乙县医院党总支”不具有审批权限"
    ):
        step_record(actor=world.admin, case=case, step=13, on=D(2022, 4, 1), org=world.general_branch_b)
    with pytest.raises(ValidationError, match="上级党委预审应由该同志所在党支部的上级党委办理"):
        step_record(actor=world.admin, case=case, step=13, on=D(2022, 4, 1), org=world.branch_b_1)
    assert not StepRecord.objects.filter(case=case, step=13).exists()


def test_the_secretary_cannot_return_the_committees_record(world, case, introducers):  # noqa: F811
    admit(world, case, introducers, upto=16)
    talk = StepRecord.objects.get(case=case, step=16, is_current=True)
    with pytest.raises(PermissionDenied, match="由上级党委（东城镇党委）记录，只能由其组织员退回"):
        services.step_return(actor=world.secretary, record=talk, reason="录入错误")
    services.step_return(actor=world.organizer, record=talk, reason="录入错误")
    assert not StepRecord.objects.get(pk=talk.pk).is_current


def test_backfilled_superior_steps_carry_the_committee(world, frozen):  # noqa: F811
    """Demo data and imports enter history through cases_backfill: a superior step without an org is
    the committee's, an explicit org is kept, every other step is the branch's."""
    person = make_person(world.branch_b_1, name="钱补录", standing="applicant", applied_on=D(2021, 3, 1))
    records = [
        {"step": s, "on": D(2021, 3, 1) + dt.timedelta(days=s), "data": {}} for s in (1, 2, 12, 13, 16, 18)
    ]
    records.append({"step": 17, "on": D(2021, 3, 18), "data": {}, "org": world.city})
    cases_backfill(actor=None, rows=[{"person": person, "records": records}], source="测试")
    orgs = dict(StepRecord.objects.filter(case__person=person).values_list("step", "org__code"))
    assert orgs == {1: "BR-B-1", 2: "BR-B-1", 12: "BR-B-1", 13: "CTY-B", 16: "CTY-B", 17: "CITY", 18: "CTY-B"}


# ---- the pages ------------------------------------------------------------------------------------


def test_the_secretarys_case_page_shows_the_superior_steps_as_the_committees(
    world,
    client_as,
    case,
    introducers,  # noqa: F811
):
    admit(world, case, introducers, upto=12)
    page = client_as(world.secretary).get(f"/development/case/{case.pk}/").content.decode()
    for step in (13, 16, 17, 18, 24):
        assert f"/development/case/{case.pk}/step/{step}/" not in page
    assert f"/development/case/{case.pk}/step/14/" in page
    assert page.count('class="small text-muted by-committee"') == 5
    assert 'class="badge text-bg-light border by-committee" data-step="13"' in page  # the next step
    organizer = client_as(world.organizer).get(f"/development/case/{case.pk}/").content.decode()
    assert f"/development/case/{case.pk}/step/13/" in organizer and "by-committee" not in organizer


@pytest.mark.parametrize("step", [13, 16, 18])
def test_the_secretary_gets_a_403_naming_the_committee_on_the_form(world, client_as, case, step):
    client = client_as(world.secretary)
    response = client.get(f"/development/case/{case.pk}/step/{step}/")
    assert response.status_code == 403
    assert SECRETARY_REFUSAL in response.content.decode()
    response = client.post(f"/development/case/{case.pk}/step/{step}/", {"on": "2023-06-20"})
    assert response.status_code == 403
    assert not StepRecord.objects.filter(case=case, step=step).exists()


def test_the_organizer_records_the_committee_talk_through_the_form(world, client_as, case, introducers):  # noqa: F811
    admit(world, case, introducers, upto=15)
    client = client_as(world.organizer)
    form = client.get(f"/development/case/{case.pk}/step/16/").content.decode()
    assert 'name="org_code"' in form and 'value="TOWN-A1"' in form
    response = client.post(
        f"/development/case/{case.pk}/step/16/", {"on": "2023-07-10", "org_code": "TOWN-A1"}
    )
    assert response.status_code == 302
    saved = StepRecord.objects.get(case=case, step=16)
    assert saved.org == world.town_a1 and saved.actor == world.organizer


# ---- the API ----------------------------------------------------------------------------------------


def _bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=None, user=user, name='test')[1]}"}


@pytest.mark.parametrize("step", [13, 16, 18])
def test_the_api_refuses_the_secretary_with_a_422(world, client, case, introducers, step):  # noqa: F811
    admit(world, case, introducers, upto=step - 1)
    on = {13: "2023-06-20", 16: "2023-07-10", 18: "2023-08-10"}[step]
    url = f"/api/development/cases/{case.pk}/steps"
    response = client.post(
        url, {"step": step, "on": on}, content_type="application/json", **_bearer(world.secretary)
    )
    assert response.status_code == 422
    assert SECRETARY_REFUSAL in " ".join(response.json()["errors"]["__all__"])
    assert not StepRecord.objects.filter(case=case, step=step).exists()
    check = client.post(f"/api/development/cases/{case.pk}/preview", {"step": step, "on": on},
                        content_type="application/json", **_bearer(world.secretary))  # fmt: skip
    assert check.status_code == 422 and SECRETARY_REFUSAL in str(check.json())
    response = client.post(
        url, {"step": step, "on": on}, content_type="application/json", **_bearer(world.organizer)
    )
    assert response.status_code == 201
    assert response.json()["org_name"] == "东城镇党委"
