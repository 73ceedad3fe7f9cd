"""Tamper evidence beyond the step records: the chained change log, row seals and anchors.

A normal life (people, a case with steps, evidence, a correction, a return, back-fills, a meeting
with its resolution, bulk loads, an org moved) verifies. Then rows are changed behind the
application's back (QuerySet.update, raw SQL, deletes, inserts) and `audit verify` must name each
one; a full re-hash (every hash recomputed, heads included) passes verify but not the anchor.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json

import pytest
from django.core.management import call_command
from django.db import connection

from dangjian.audit import ledger
from dangjian.audit.models import AuditHead, ChangeRecord, SealRecord
from dangjian.conftest import valid_id_number
from dangjian.development import chain
from dangjian.development import services as development
from dangjian.development.models import Case, Evidence
from dangjian.development.tests.test_chain import live
from dangjian.meetings.models import Meeting, MeetingKind, Motion, Resolution
from dangjian.meetings.services import meeting_record, meeting_update, resolution_delete, resolution_record
from dangjian.orgs.services import org_move, org_tree_bulk_create
from dangjian.people.models import Person
from dangjian.people.services import people_bulk_create, person_update

D = dt.date


@pytest.fixture
def life(world):
    life = live(world)
    evidence = {"kind": "application", "title": "入党申请书", "number": "SQ-1"}
    development.step_record(actor=world.secretary, case=life.case, step=5, on=D(2022, 5, 25),
                            data={"contacts": [world.people["in_branch"].pk]}, evidence=[evidence],
                            acknowledge=["R-CONTACTS"], note="联系人外出")  # fmt: skip
    meeting = meeting_record(actor=None, org=world.branch_a1_1, kind=MeetingKind.BRANCH_GENERAL,
                             held_on=D(2022, 6, 1), expected_voters=9, present_voters=8)  # fmt: skip
    resolution_record(
        actor=None, meeting=meeting, person=life.case.person, motion=Motion.ADMIT, yes=7, no=1, abstain=0
    )
    life.meeting = meeting
    return life


def problems(report: ledger.Report) -> list[str]:
    return [p.describe() for p in report.problems]


def only_problem(table: str, row_id, problem: str) -> ledger.Problem:
    report = ledger.verify()
    assert not report.ok
    found = [p for p in report.problems if (p.table, p.row_id, p.problem) == (table, row_id, problem)]
    assert found, problems(report)
    return found[0]


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


# ---- a normal life -------------------------------------------------------------------------------


def test_a_normal_life_verifies(world, life):
    person_update(actor=world.secretary, person=life.case.person, work_unit="县医院 护士")
    meeting_update(actor=None, meeting=life.meeting, present_voters=9)
    resolution = Resolution.objects.get(meeting=life.meeting)
    resolution_delete(actor=None, resolution=resolution)  # a deletion by the application: sealed
    people_bulk_create(actor=None, rows=[
        {"org": world.branch_a1_1, "name": "周批量", "id_number": valid_id_number(D(1990, 1, 2), "F"),
         "gender": "F", "birth_date": D(1990, 1, 2), "standing": "applicant", "applied_on": D(2023, 1, 1)},
    ])  # fmt: skip
    org_tree_bulk_create(actor=None, parent=world.town_a1, nodes=[
        {"code": "BR-A1-NEW", "name": "新建党支部", "kind": "branch"},
    ])  # fmt: skip
    report = ledger.verify()
    assert report.ok, problems(report)
    assert report.log_count == ChangeRecord.objects.count() > 20
    assert report.rows == sum(m.model.objects.count() for m in ledger.sealed_models())
    head = AuditHead.objects.get()
    assert (head.log_last_id, head.log_count) == (ChangeRecord.objects.latest("pk").pk, report.log_count)
    records = list(ChangeRecord.objects.order_by("pk"))
    assert records[0].prev_hash == ledger.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "全程纪实校验通过" in out.getvalue() and "变更记录与封存数据校验通过" in out.getvalue()


def test_moving_an_org_reseals_its_subtree(world, life):
    org_move(actor=None, org=world.branch_a1_2, new_parent=world.county_b)
    report = ledger.verify()
    assert report.ok, problems(report)


# ---- rows changed behind the application's back ------------------------------------------------


def test_a_case_status_changed_is_named(life):
    Case.objects.filter(pk=life.case.pk).update(status="converted")
    problem = only_problem("发展党员纪实", life.case.pk, ledger.CONTENT_CHANGED)
    assert problem.name == "赵新"


def test_a_person_standing_and_admission_date_changed_are_named(world, life):
    person = life.case.person
    Person.objects.filter(pk=person.pk).update(standing="probationary")
    assert only_problem("人员档案", person.pk, ledger.CONTENT_CHANGED).name == "赵新"
    other = world.people["in_branch"]
    table = connection.ops.quote_name(Person._meta.db_table)
    sql(f"UPDATE {table} SET admitted_on = %s WHERE id = %s", [D(2011, 12, 2), other.pk])
    report = ledger.verify()
    named = {(p.row_id, p.problem) for p in report.problems}
    assert named == {(person.pk, ledger.CONTENT_CHANGED), (other.pk, ledger.CONTENT_CHANGED)}


def test_a_meetings_votes_changed_are_named(life):
    Meeting.objects.filter(pk=life.meeting.pk).update(expected_voters=8)
    only_problem("会议记录", life.meeting.pk, ledger.CONTENT_CHANGED)
    resolution = Resolution.objects.get(meeting=life.meeting)
    Resolution.objects.filter(pk=resolution.pk).update(yes=8, no=0)
    assert only_problem("会议决议", resolution.pk, ledger.CONTENT_CHANGED).name == "赵新"


def test_an_evidence_row_edited_or_deleted_is_named(life):
    evidence = Evidence.objects.get()
    Evidence.objects.filter(pk=evidence.pk).update(title="伪造的申请书")
    assert only_problem("佐证材料", evidence.pk, ledger.CONTENT_CHANGED).name == "赵新"
    sql(f"DELETE FROM {connection.ops.quote_name(Evidence._meta.db_table)} WHERE id = %s", [evidence.pk])
    only_problem("佐证材料", evidence.pk, ledger.DELETED)


def test_a_row_inserted_behind_the_applications_back_is_named(world, life):
    person = world.people["in_branch"]
    Person.objects.bulk_create([Person(name="冒名", gender="M", birth_date=D(1990, 1, 1), org=person.org,
                                       id_number=valid_id_number(D(1990, 1, 1), "M", "511603"),
                                       standing="full", name_sort_key="mao ming")])  # fmt: skip
    ghost = Person.objects.get(name="冒名")
    assert only_problem("人员档案", ghost.pk, ledger.UNREGISTERED).name == "冒名"


@pytest.mark.parametrize("which", ["first", "middle", "last"])
def test_a_change_log_row_deleted_is_named(life, which):
    ids = list(ChangeRecord.objects.order_by("pk").values_list("pk", flat=True))
    gone = {"first": ids[0], "middle": ids[len(ids) // 2], "last": ids[-1]}[which]
    sql(f"DELETE FROM {connection.ops.quote_name(ChangeRecord._meta.db_table)} WHERE id = %s", [gone])
    report = ledger.verify()
    assert not report.ok
    if which == "last":
        (problem,) = report.problems
        assert (problem.table, problem.row_id, problem.problem) == ("变更记录", gone, ledger.DELETED)
    else:
        after = ids[ids.index(gone) + 1]
        (problem,) = report.problems
        assert (problem.table, problem.row_id, problem.problem) == ("变更记录", after, ledger.LINK_BROKEN)


def test_a_change_log_row_edited_is_named(life):
    record = ChangeRecord.objects.filter(object_type="people.person").order_by("pk")[2]
    ChangeRecord.objects.filter(pk=record.pk).update(actor_name="别人")
    (problem,) = ledger.verify().problems
    assert (problem.table, problem.row_id, problem.problem) == ("变更记录", record.pk, ledger.CONTENT_CHANGED)


def test_a_change_log_row_inserted_is_named(world, life):
    last = ChangeRecord.objects.latest("pk")
    forged = ChangeRecord.objects.create(actor_name="某人", action="update", object_type="people.person",
                                         object_id=world.people["in_branch"].pk, object_repr="x",
                                         prev_hash=last.hash, hash="f" * 64)  # fmt: skip
    (problem,) = [p for p in ledger.verify().problems if p.problem == ledger.UNREGISTERED]
    assert (problem.table, problem.row_id) == ("变更记录", forged.pk)
    # And nothing more is appended on top of it: the next write is refused.
    with pytest.raises(ledger.LedgerError):
        person_update(actor=None, person=world.people["in_branch"], work_unit="某单位")


def test_the_command_names_each_problem_in_chinese_and_exits_1(world, life):
    Case.objects.filter(pk=life.case.pk).update(status="converted")
    Person.objects.filter(pk=world.people["in_branch"].pk).update(standing="probationary")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 1
    message = err.getvalue()
    assert "2 处问题" in message
    assert f"发展党员纪实 #{life.case.pk}（赵新）：内容被修改" in message
    assert (
        f"人员档案 #{world.people['in_branch'].pk}（{world.people['in_branch'].name}）：内容被修改" in message
    )


# ---- anchors -------------------------------------------------------------------------------------


def rehash_everything() -> None:
    """What a thorough attacker does after editing rows: recompute every seal and every hash."""
    latest: dict[tuple[str, int], int] = {}
    for pk, key, object_id in SealRecord.objects.order_by("pk").values_list("pk", "object_type", "object_id"):
        latest[(key, object_id)] = pk
    for sealed in ledger.sealed_models():
        for pk, digest, _ in ledger._digests(sealed):
            SealRecord.objects.filter(pk=latest[(sealed.key, pk)]).update(digest=digest)
    prev = ledger.GENESIS
    for seal in SealRecord.objects.order_by("pk"):
        current = ledger.seal_hash(prev, seal.object_type, seal.object_id, seal.digest)
        SealRecord.objects.filter(pk=seal.pk).update(prev_hash=prev, hash=current)
        prev = current
    log_prev = ledger.GENESIS
    for pk, *values in ChangeRecord.objects.order_by("pk").values_list("pk", *ledger.CHANGE_FIELDS):
        current = ledger.change_hash(log_prev, values)
        ChangeRecord.objects.filter(pk=pk).update(prev_hash=log_prev, hash=current)
        log_prev = current
    AuditHead.objects.update(seal_hash=prev, log_hash=log_prev)


def test_a_full_rehash_is_caught_against_the_last_anchor(world, life, tmp_path):
    anchors = tmp_path / "anchors.jsonl"
    call_command("audit", "anchor", "--output", str(anchors), stdout=io.StringIO())
    call_command("audit", "anchor", "--output", str(anchors), stdout=io.StringIO())  # appended
    lines = anchors.read_text().splitlines()
    assert len(lines) == 2
    anchor = json.loads(lines[-1])
    assert set(anchor["chains"]) == {"step", "log", "seals"} and len(anchor["seal_root"]) == 64
    out = io.StringIO()
    call_command("audit", "verify", "--anchor", str(anchors), stdout=out)
    assert "与锚点文件" in out.getvalue()

    # Normal work after the anchor extends the chains: still fine.
    person_update(actor=world.secretary, person=world.people["in_branch"], work_unit="县医院")
    assert not ledger.check_anchor(anchor, ledger.verify())

    # The attacker changes a standing and a change-log row, then recomputes every hash and the heads.
    Person.objects.filter(pk=life.case.person.pk).update(standing="probationary")
    ChangeRecord.objects.filter(pk=ChangeRecord.objects.order_by("pk")[1].pk).update(message="改过")
    rehash_everything()
    report = ledger.verify()
    assert report.ok, problems(report)  # without the anchor the forgery holds
    found = ledger.check_anchor(anchor, report)
    assert any(line.startswith("变更记录：与导出的锚点不符") for line in found), found
    assert any(line.startswith("封存记录：与导出的锚点不符") for line in found), found
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--anchor", str(anchors), stdout=io.StringIO(), stderr=err)
    assert "与导出的锚点不符" in err.getvalue()


def test_a_rehash_of_the_step_chain_is_caught_against_the_anchor(life, tmp_path):
    from dangjian.development.models import RecordChainHead, StepRecord

    anchor = ledger.anchor_state(ledger.verify())
    StepRecord.objects.filter(pk=life.s1.pk).update(note="后改")
    prev = chain.GENESIS
    for record in StepRecord.objects.order_by("pk"):
        values = [getattr(record, name) for name in chain.HASHED_FIELDS]
        current = chain.content_hash(prev, values)
        StepRecord.objects.filter(pk=record.pk).update(prev_hash=prev, hash=current)
        prev = current
    RecordChainHead.objects.update(hash=prev)
    assert chain.verify().ok
    found = ledger.check_anchor(anchor, ledger.verify())
    assert any(line.startswith("全程纪实：与导出的锚点不符") for line in found), found


def test_anchor_refuses_a_database_that_does_not_verify(life, tmp_path):
    Case.objects.filter(pk=life.case.pk).update(status="converted")
    with pytest.raises(SystemExit):
        call_command("audit", "anchor", "--output", str(tmp_path / "a.jsonl"),
                     stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    assert not (tmp_path / "a.jsonl").exists()


def test_the_default_anchor_file_comes_from_the_environment(monkeypatch, tmp_path, db):
    from dangjian.audit.management.commands.audit import default_anchor_file

    monkeypatch.setenv("DANGJIAN_ANCHOR_FILE", str(tmp_path / "x.jsonl"))
    assert default_anchor_file() == tmp_path / "x.jsonl"
    monkeypatch.delenv("DANGJIAN_ANCHOR_FILE")
    assert default_anchor_file().name == "anchors.jsonl"


def test_a_fresh_database_verifies(db):
    report = ledger.verify()
    assert report.ok, problems(report)
