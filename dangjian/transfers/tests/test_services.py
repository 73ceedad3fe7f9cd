"""Transfers inside the system: the life of a transfer, the counts, scope, the case that follows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from dangjian.accounts import scope
from dangjian.audit.services import history_for
from dangjian.conftest import make_person
from dangjian.development.models import Case
from dangjian.development.services import case_open
from dangjian.people.models import Person
from dangjian.transfers import selectors, services
from dangjian.transfers.models import Status, Transfer, TransferEvent
from dangjian.transfers.tests.conftest import assert_counts_exact


def _submit(world, person=None, to_org=None, actor=None):
    return services.transfer_submit(
        actor=actor or world.secretary, person=person or world.people["in_branch"],
        to_org=to_org or world.branch_b_1, reason="work", note="调往乙县医院",
    )  # fmt: skip


def test_full_life_moves_the_file_and_keeps_counts_exact(world, receiver):
    person = world.people["in_branch"]
    t = _submit(world)
    assert t.status == Status.SUBMITTED and t.reviewer == world.town_a1 and t.from_org == world.branch_a1_1
    assert_counts_exact()
    t = services.transfer_approve(actor=world.organizer, transfer=t)
    assert t.status == Status.PENDING
    assert t.letter_no == f"TOWN-A1-{t.issued_on.year}-0001"
    assert t.valid_until == t.issued_on + dt.timedelta(days=90)
    person.refresh_from_db()
    assert person.org == world.branch_a1_1  # still on the sender's roll until receipt
    assert_counts_exact()
    t = services.transfer_receive(actor=receiver, transfer=t)
    assert t.status == Status.RECEIVED
    person.refresh_from_db()
    assert person.org == world.branch_b_1
    assert_counts_exact()
    kinds = list(TransferEvent.objects.filter(transfer=t).values_list("kind", flat=True))
    assert kinds == ["submit", "approve", "receive"]
    # The change log of the file shows both sides and the letter.
    moved = history_for(person).filter(message__contains=t.letter_no).get()
    assert moved.before["所在党组织"] == world.branch_a1_1.name
    assert moved.after["所在党组织"] == world.branch_b_1.name
    assert moved.actor == receiver


def test_receiver_cannot_see_the_person_before_acceptance(world, receiver):
    person = world.people["in_branch"]
    t = _submit(world)
    with pytest.raises(Http404):  # not yet issued: the receiver does not even see the transfer
        selectors.get_transfer_for_user(receiver, t.pk)
    services.transfer_approve(actor=world.organizer, transfer=t)
    t = selectors.get_transfer_for_user(receiver, t.pk)
    assert not selectors.person_visible(receiver, t)
    with pytest.raises(Http404):
        scope.get_person_for_user(receiver, person.pk)
    services.transfer_receive(actor=receiver, transfer=t)
    assert scope.get_person_for_user(receiver, person.pk) == person
    # … and now the sender no longer sees the file, only the transfer.
    t = selectors.get_transfer_for_user(world.secretary, t.pk)
    assert not selectors.person_visible(world.secretary, t)
    with pytest.raises(Http404):
        scope.get_person_for_user(world.secretary, person.pk)


def test_returned_transfer_leaves_the_member_where_they_were(world, receiver):
    person = world.people["in_branch"]
    t = services.transfer_approve(actor=world.organizer, transfer=_submit(world))
    t = services.transfer_return(actor=receiver, transfer=t, reason="本单位无此人员的岗位")
    assert t.status == Status.RETURNED and t.closed_reason == "本单位无此人员的岗位"
    person.refresh_from_db()
    assert person.org == world.branch_a1_1
    assert_counts_exact()
    # A new transfer can be started once the last one is closed.
    assert _submit(world).status == Status.SUBMITTED


def test_reviewer_may_return_before_the_letter(world):
    t = services.transfer_return(actor=world.organizer, transfer=_submit(world), reason="材料不全")
    assert t.status == Status.RETURNED and t.letter_no == ""


def test_illegal_transitions_give_a_chinese_message_and_change_nothing(world, receiver):
    t = _submit(world)
    with pytest.raises(PermissionDenied, match="只有审核党委（东城镇党委）可以审核"):
        services.transfer_approve(actor=world.secretary, transfer=t)  # a branch never reviews
    t.refresh_from_db()
    assert t.status == Status.SUBMITTED and t.letter_no == ""
    t = services.transfer_cancel(actor=world.secretary, transfer=t, reason="本人暂缓调动")
    events = TransferEvent.objects.filter(transfer=t).count()
    with pytest.raises(ValidationError, match="该转接已撤销，不能接收"):
        services.transfer_receive(actor=receiver, transfer=t)
    with pytest.raises(ValidationError, match="不能审核"):
        services.transfer_approve(actor=world.organizer, transfer=t)
    t.refresh_from_db()
    assert t.status == Status.CANCELLED and TransferEvent.objects.filter(transfer=t).count() == events
    assert Person.objects.get(pk=t.person_id).org == world.branch_a1_1
    assert_counts_exact()


def test_receive_needs_the_receiving_side_and_return_needs_a_reason(world, receiver):
    t = services.transfer_approve(actor=world.organizer, transfer=_submit(world))
    with pytest.raises(PermissionDenied, match="您无权接收该转接"):
        services.transfer_receive(actor=world.secretary, transfer=t)
    with pytest.raises(ValidationError, match="请填写原因"):
        services.transfer_return(actor=receiver, transfer=t, reason="  ")
    t.refresh_from_db()
    assert t.status == Status.PENDING


def test_submit_checks(world, receiver):
    person = world.people["in_branch"]
    with pytest.raises(PermissionDenied):
        _submit(world, person=world.people["county_b"], to_org=world.branch_a1_1)  # not the secretary's
    with pytest.raises(ValidationError, match="接收党组织应为党支部或党总支"):
        _submit(world, to_org=world.county_b)
    with pytest.raises(ValidationError, match="无需转接"):
        _submit(world, to_org=world.branch_a1_1)
    with pytest.raises(ValidationError, match="请选择转接原因"):
        services.transfer_submit(actor=world.secretary, person=person, to_org=world.branch_b_1, reason="x")
    _submit(world)
    with pytest.raises(ValidationError, match="已有正在办理"):
        _submit(world, to_org=world.branch_a1_2)
    assert Transfer.objects.count() == 1


def test_out_of_scope_is_404(world, receiver):
    t = _submit(world)
    for user in (world.outsider, receiver):
        with pytest.raises(Http404):
            selectors.get_transfer_for_user(user, t.pk)
    assert selectors.get_transfer_for_user(world.viewer, t.pk) == t  # 甲县委's viewer sees its own


def test_probation_runs_on_and_the_case_follows(world, receiver):
    probationary = make_person(world.branch_a1_1, name="预备甲", standing="probationary")
    t = services.transfer_approve(actor=world.organizer, transfer=_submit(world, person=probationary))
    services.transfer_receive(actor=receiver, transfer=t)
    probationary.refresh_from_db()
    assert probationary.standing == "probationary" and probationary.admitted_on == dt.date(2011, 12, 1)

    applicant = world.people["applicant"]
    case = case_open(actor=None, person=applicant)
    t = services.transfer_approve(actor=world.organizer, transfer=_submit(world, person=applicant))
    services.transfer_receive(actor=receiver, transfer=t)
    case.refresh_from_db()
    assert case.org == world.branch_b_1
    assert Case.objects.get(person=applicant).person.org == world.branch_b_1
    assert_counts_exact()


def test_overdue_listed_on_both_sides(world, receiver):
    t = services.transfer_approve(actor=world.organizer, transfer=_submit(world))
    assert not selectors.overdue_for(receiver).exists()
    Transfer.objects.filter(pk=t.pk).update(valid_until=dt.date(2020, 1, 1))
    assert list(selectors.overdue_for(receiver)) == [t]
    assert list(selectors.overdue_for(world.secretary)) == [t]
    assert not selectors.overdue_for(world.outsider).exists()


def test_target_search_gives_name_and_code_only(world):
    rows = selectors.target_orgs("乙县医院")
    assert rows == [
        {"id": world.general_branch_b.pk, "code": "GB-B-1", "name": "乙县医院党总支"},
        {"id": world.branch_b_1.pk, "code": "BR-B-1", "name": "乙县医院第一党支部"},
    ]
    assert selectors.target_orgs("x") == []


def test_letter_validity_is_a_rule_set_parameter(world):
    from dangjian.development.rules import RULE_BY_ID

    rule = RULE_BY_ID["R-TRANSFER-VALIDITY"]
    assert rule.params == {"days": 90} and "组通字" in rule.article
    assert services.validity_days(world.town_a1, dt.date(2025, 1, 1)) == 90


def test_transfer_outside_the_system_letter_receipt_and_reduction(world):
    import io
    import zipfile

    from dangjian.transfers.letter import letter_docx

    person = world.people["in_branch"]
    t = services.transfer_submit(
        actor=world.secretary,
        person=person,
        to_outside="中共北京市海淀区某街道工作委员会",
        reason="residence",
    )
    assert t.is_outside and t.to_org is None
    t = services.transfer_approve(actor=world.organizer, transfer=t)
    text = zipfile.ZipFile(io.BytesIO(letter_docx(t))).read("word/document.xml").decode()
    for expected in ("中国共产党党员组织关系介绍信", "曾小芳", t.letter_no, "回", "北京市海淀区"):
        assert expected in text
    with pytest.raises(ValidationError, match="登记回执"):
        services.transfer_receive(actor=world.admin, transfer=t)
    with pytest.raises(ValidationError, match="不能退回"):
        services.transfer_return(actor=world.admin, transfer=t, reason="x")
    t = services.transfer_record_receipt(actor=world.secretary, transfer=t, note="回执已收到")
    assert t.status == Status.RECEIVED and t.receipt_on is not None
    person.refresh_from_db()
    assert person.reduction == "transferred_out" and t.letter_no in person.reduction_note
    assert person.org == world.branch_a1_1  # the file stays where it was, off the books
    assert_counts_exact()


def test_receipt_only_for_outside_and_by_the_sender(world, receiver):
    t = services.transfer_approve(actor=world.organizer, transfer=_submit(world))
    with pytest.raises(ValidationError, match="无需登记回执"):
        services.transfer_record_receipt(actor=world.secretary, transfer=t)
    outside = services.transfer_submit(
        actor=world.secretary, person=world.people["applicant"], to_outside="外省某党支部", reason="other"
    )
    outside = services.transfer_approve(actor=world.organizer, transfer=outside)
    with pytest.raises(PermissionDenied):
        services.transfer_record_receipt(actor=receiver, transfer=outside)
    with pytest.raises(ValidationError, match="选择一个"):
        services.transfer_submit(
            actor=world.organizer, person=world.people["other_branch"], to_org=world.branch_b_1,
            to_outside="外省", reason="other",
        )  # fmt: skip


def test_from_outside_reactivates_a_reduced_file_never_a_duplicate(world):
    person = world.people["in_branch"]
    t = services.transfer_approve(
        actor=world.organizer,
        transfer=services.transfer_submit(
            actor=world.secretary, person=person, to_outside="外省某党支部", reason="work"
        ),
    )
    services.transfer_record_receipt(actor=world.secretary, transfer=t)
    history_before = history_for(person).count()
    back = services.transfer_receive_from_outside(
        actor=world.organizer, org=world.branch_a1_2, from_outside="外省某党支部", letter_no="外-2026-17",
        reason="work", id_number=person.id_number,
    )  # fmt: skip
    assert back.person_id == person.pk and back.status == Status.RECEIVED and back.is_from_outside
    person.refresh_from_db()
    assert person.is_active and person.org == world.branch_a1_2 and person.standing == "full"
    assert history_for(person).count() == history_before + 1  # the same file, its history kept
    assert Person.objects.filter(id_number=person.id_number).count() == 1
    assert_counts_exact()
    with pytest.raises(ValidationError, match="在册"):
        services.transfer_receive_from_outside(
            actor=world.organizer, org=world.branch_a1_2, from_outside="外省", letter_no="x", reason="work",
            id_number=person.id_number,
        )  # fmt: skip


def test_from_outside_new_file_and_refusals(world, receiver):
    from dangjian.conftest import valid_id_number

    number = valid_id_number(dt.date(1990, 1, 2), "M")
    t = services.transfer_receive_from_outside(
        actor=receiver, org=world.branch_b_1, from_outside="某省某市委组织部", letter_no="A-1", reason="work",
        id_number=number,
        person_fields={"name": "新来者", "gender": "M", "birth_date": dt.date(1990, 1, 2), "standing": "probationary",
                       "admitted_on": dt.date(2026, 3, 1)},
    )  # fmt: skip
    assert t.person.org == world.branch_b_1 and t.person.is_backfilled and "A-1" in t.person.backfill_reason
    assert list(selectors.incoming_for(receiver)) == [t]
    assert_counts_exact()
    dead = make_person(world.branch_a1_1, name="已故者", reduction="deceased", reduced_on=dt.date(2024, 1, 1))
    with pytest.raises(ValidationError, match="不能通过组织关系转入恢复"):
        services.transfer_receive_from_outside(
            actor=world.organizer, org=world.branch_a1_2, from_outside="外省", letter_no="x", reason="work",
            id_number=dead.id_number,
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.transfer_receive_from_outside(
            actor=receiver, org=world.branch_a1_2, from_outside="外省", letter_no="x", reason="work",
            id_number=number,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="介绍信编号"):
        services.transfer_receive_from_outside(
            actor=receiver,
            org=world.branch_b_1,
            from_outside="外省",
            letter_no="",
            reason="work",
            id_number="1",
        )
    assert_counts_exact()


def test_batch_is_all_or_nothing_and_keeps_counts_exact(world, receiver):
    people = [make_person(world.branch_a1_1, name=f"成员{c}") for c in "甲乙丙丁戊"]
    done = services.transfers_submit_many(
        actor=world.secretary, people=people, to_org=world.branch_b_1, reason="work"
    )
    with pytest.raises(PermissionDenied):
        services.transfers_approve_many(actor=world.secretary, transfers=done)
    done = services.transfers_approve_many(actor=world.organizer, transfers=done)
    numbers = sorted(t.letter_no for t in done)
    assert numbers == [f"TOWN-A1-{done[0].issued_on.year}-{i:04d}" for i in range(1, 6)]
    with pytest.raises(ValidationError, match="成员甲：该转接待接收，不能审核"):
        services.transfers_approve_many(actor=world.organizer, transfers=done[:1])
    # One of them cancelled meanwhile: the batch receipt is refused as a whole, naming the person.
    services.transfer_cancel(actor=world.secretary, transfer=done[2], reason="不再调动")
    with pytest.raises(ValidationError, match="成员丙：该转接已撤销"):
        services.transfers_receive_many(actor=receiver, transfers=done)
    assert Person.objects.filter(pk__in=[p.pk for p in people], org=world.branch_b_1).count() == 0
    assert_counts_exact()
    rest = [t for i, t in enumerate(done) if i != 2]
    with pytest.raises(PermissionDenied):
        services.transfers_receive_many(actor=world.secretary, transfers=rest)
    case = case_open(actor=None, person=world.people["applicant"])
    extra = services.transfer_submit(
        actor=world.secretary, person=world.people["applicant"], to_org=world.branch_b_1, reason="work"
    )
    rest.append(services.transfer_approve(actor=world.organizer, transfer=extra))
    services.transfers_receive_many(actor=receiver, transfers=rest)
    case.refresh_from_db()
    assert case.org == world.branch_b_1
    moved = history_for(people[0]).filter(message__contains="介绍信").get()
    assert moved.after["所在党组织"] == world.branch_b_1.name
    assert Person.objects.filter(pk__in=[p.pk for p in people], org=world.branch_b_1).count() == 4
    assert_counts_exact()
    with pytest.raises(ValidationError, match="已有正在办理"):
        services.transfers_submit_many(
            actor=world.secretary, people=[people[2], world.people["in_branch"], world.people["in_branch"]],
            to_org=world.branch_b_1, reason="work",
        )  # fmt: skip
    assert not Transfer.objects.filter(person=world.people["in_branch"]).exists()
