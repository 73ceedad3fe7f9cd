"""入党志愿书编号: ranges issued by the 组织部, step 14 taking the next free number, numbers never
reused (corrections and returns void them), refusals in Chinese that change nothing."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.conftest import make_person
from dangjian.development import formnumbers
from dangjian.development.models import FormNumber, FormNumberRange, FormNumberState, StepRecord
from dangjian.development.services import case_open, step_correct, step_return
from dangjian.development.tests.test_services import TODAY, admit, record

D = dt.date


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def introducers(world):
    return [world.people["in_branch"].pk, make_person(world.branch_a1_1, name="孙老党员").pk]


@pytest.fixture
def town_range(world):
    return formnumbers.range_issue(
        actor=world.admin, org=world.town_a1, prefix="5116022023", first=1, last=3, issued_on=D(2023, 1, 5),
        document_ref="广组发〔2023〕1号",
    )  # fmt: skip


def candidate(world, name):
    person = make_person(world.branch_a1_1, name=name, standing="applicant", applied_on=D(2022, 3, 1),
                         birth_date=D(1996, 4, 4))  # fmt: skip
    return case_open(actor=world.secretary, person=person)


def form_step(case):
    return case.records.get(step=14, is_current=True)


def test_step_14_takes_the_next_free_number_and_never_hands_it_out_again(
    world, frozen, introducers, town_range
):
    first = admit(world, candidate(world, "赵新"), introducers, upto=14)
    second = admit(world, candidate(world, "钱二"), introducers, upto=14)
    assert form_step(first).data["form_number"] == "51160220231"
    assert form_step(second).data["form_number"] == "51160220232"
    used = FormNumber.objects.get(number="51160220231")
    assert used.state == FormNumberState.USED and used.case == first and used.record == form_step(first)


def test_a_typed_number_must_lie_in_the_range_and_be_free(world, frozen, introducers, town_range):
    case = admit(world, candidate(world, "赵新"), introducers, upto=13)
    records_before = StepRecord.objects.count()
    for number, message in (
        ("51160220239", "不在上级党委领取的号段内"),
        ("X1", "不在上级党委领取的号段内"),
    ):
        with pytest.raises(ValidationError, match=message):
            record(world, case, 14, D(2023, 6, 25), data={"form_number": number})
    record(world, case, 14, D(2023, 6, 25), data={"form_number": "51160220233"})
    assert StepRecord.objects.count() == records_before + 1  # only the one good step
    other = admit(world, candidate(world, "钱二"), introducers, upto=13)
    with pytest.raises(ValidationError, match="已被使用"):
        record(world, other, 14, D(2023, 6, 25), data={"form_number": "51160220233"})
    assert not other.records.filter(step=14).exists()
    assert FormNumber.objects.count() == 1


def test_a_voided_number_is_skipped_and_refused(world, frozen, introducers, town_range):
    formnumbers.number_void(
        actor=world.organizer, number_range=town_range, seq=1, reason="填写错误", on=D(2023, 2, 1)
    )
    case = admit(world, candidate(world, "赵新"), introducers, upto=13)
    with pytest.raises(ValidationError, match="已作废"):
        record(world, case, 14, D(2023, 6, 25), data={"form_number": "51160220231"})
    record(world, case, 14, D(2023, 6, 25))
    assert form_step(case).data["form_number"] == "51160220232"
    with pytest.raises(ValidationError, match="不能作废"):
        formnumbers.number_void(
            actor=world.organizer, number_range=town_range, seq=2, reason="x", on=D(2023, 7, 1)
        )


def test_when_the_range_is_used_up_step_14_is_refused_with_the_way_out(
    world, frozen, introducers, town_range
):
    for seq in (1, 2, 3):
        formnumbers.number_void(
            actor=world.organizer, number_range=town_range, seq=seq, reason="损毁", on=D(2023, 2, 1)
        )
    case = admit(world, candidate(world, "赵新"), introducers, upto=13)
    with pytest.raises(ValidationError, match="编号已用完，请向组织部申领新的号段"):
        record(world, case, 14, D(2023, 6, 25))
    assert not case.records.filter(step=14).exists()


def test_a_correction_that_changes_the_number_voids_the_old_one(world, frozen, introducers, town_range):
    case = admit(world, candidate(world, "赵新"), introducers, upto=14)
    old = form_step(case)
    kept = step_correct(actor=world.secretary, record=old, reason="日期记错", on=D(2023, 6, 26))
    assert kept.data["form_number"] == "51160220231"
    assert (
        FormNumber.objects.get(number="51160220231").record == kept
    )  # same number: still used, by the new record
    changed = step_correct(
        actor=world.secretary, record=kept, reason="换用新志愿书", data={"form_number": "51160220233"}
    )
    assert FormNumber.objects.get(number="51160220231").state == FormNumberState.VOID
    assert FormNumber.objects.get(number="51160220233").record == changed


def test_a_returned_step_14_voids_its_number(world, frozen, introducers, town_range):
    case = admit(world, candidate(world, "赵新"), introducers, upto=14)
    step_return(actor=world.secretary, record=form_step(case), reason="志愿书填写不规范")
    voided = FormNumber.objects.get(number="51160220231")
    assert voided.state == FormNumberState.VOID and "退回" in voided.reason
    record(world, case, 14, D(2023, 6, 27))
    assert form_step(case).data["form_number"] == "51160220232"


def test_without_a_range_above_the_number_stays_free_text(world, frozen, introducers):
    case = admit(world, candidate(world, "赵新"), introducers, upto=13)
    record(world, case, 14, D(2023, 6, 25), data={"form_number": "自编-001"})
    assert form_step(case).data["form_number"] == "自编-001" and not FormNumber.objects.exists()


def test_issuing_is_for_the_organization_department_and_ranges_do_not_overlap(world, town_range):
    with pytest.raises(PermissionDenied):
        formnumbers.range_issue(actor=world.organizer, org=world.town_a1, prefix="P", first=1, last=9,
                                issued_on=D(2023, 1, 1))  # fmt: skip
    with pytest.raises(ValidationError, match="重叠"):
        formnumbers.range_issue(actor=world.admin, org=world.county_a, prefix="5116022023", first=3, last=9,
                                issued_on=D(2023, 1, 1))  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        formnumbers.range_issue(actor=world.admin, org=world.branch_a1_1, prefix="有 空格", first=5, last=2,
                                issued_on=D(2023, 1, 1))  # fmt: skip
    text = " ".join(refused.value.messages)
    assert "只能发给党委" in text and "编号前缀" in text and "终止号" in text
    assert FormNumberRange.objects.count() == 1


def test_the_pages_list_ranges_in_scope_and_void_a_number(world, client_as, town_range):
    admin = client_as(world.admin)
    page = admin.get("/development/form-numbers/")
    assert page.status_code == 200 and "5116022023001" not in page.content.decode()  # width 1: 51160220231
    assert "51160220231—51160220233" in page.content.decode() and 'name="first"' in page.content.decode()
    outsider_range = formnumbers.range_issue(actor=world.admin, org=world.county_b, prefix="B", first=1, last=5,
                                             issued_on=D(2023, 1, 1))  # fmt: skip
    organizer = client_as(world.organizer)
    listing = organizer.get("/development/form-numbers/").content.decode()
    assert "51160220231—51160220233" in listing and "B1—B5" not in listing and 'name="first"' not in listing
    assert organizer.get(f"/development/form-numbers/{outsider_range.pk}/").status_code == 404
    refused = organizer.post(f"/development/form-numbers/{town_range.pk}/", {"seq": 9, "reason": "损毁"})
    assert "不在号段" in refused.content.decode() and not FormNumber.objects.exists()
    done = organizer.post(f"/development/form-numbers/{town_range.pk}/", {"seq": 2, "reason": "损毁"})
    assert done.status_code == 302
    assert FormNumber.objects.get().number == "51160220232"
    assert organizer.post("/development/form-numbers/", {"org": world.town_a1.pk}).status_code == 403
