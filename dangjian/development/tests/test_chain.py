"""全程纪实: step records are append-only and hash-chained; `dangjian audit verify` finds tampering.

A normal life (open a case, record steps, correct one, return one, back-fill two more cases) leaves a
chain that verifies. Then rows are changed behind the application's back (QuerySet.update, raw SQL,
deletes) and verify must fail and name the right record and the right kind of break.
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import itertools
from dataclasses import dataclass
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dangjian.audit.models import ChangeRecord
from dangjian.audit.services import record_changes
from dangjian.conftest import World, make_person
from dangjian.development import chain, services
from dangjian.development.models import Case, RecordChainHead, RecordKind, StepRecord
from dangjian.development.tests.test_concurrency import on_postgres, race

D = dt.date


def new_case(world: World, name: str = "赵新") -> Case:
    person = make_person(world.branch_a1_1, name=name, standing="applicant", applied_on=D(2022, 3, 1))
    case = services.case_open(actor=world.secretary, person=person)
    services.step_record(actor=world.secretary, case=case, step=1, on=D(2022, 3, 1))
    return case


@dataclass
class Life:
    case: Case
    s1: StepRecord
    s2_old: StepRecord  # corrected
    s2_new: StepRecord  # the correction
    s3: StepRecord
    s4: StepRecord  # returned
    marker: StepRecord  # the return of s4
    backfilled: list[StepRecord]


def live(world: World) -> Life:
    """Open a case, record steps 1–4, correct step 2, return step 4, back-fill two cases."""
    person = make_person(world.branch_a1_1, name="赵新", standing="applicant", applied_on=D(2022, 3, 1),
                         birth_date=D(1996, 4, 4))  # fmt: skip
    case = services.case_open(actor=world.secretary, person=person)
    s1, s2_old, s3, s4 = (
        services.step_record(actor=world.secretary, case=case, step=step, on=on)
        for step, on in [(1, D(2022, 3, 1)), (2, D(2022, 3, 20)), (3, D(2022, 5, 10)), (4, D(2022, 5, 20))]
    )
    s2_new = services.step_correct(actor=world.secretary, record=s2_old, reason="录入错误", on=D(2022, 3, 21))
    marker = services.step_return(actor=world.secretary, record=s4, reason="材料不全")
    applicants = [
        make_person(
            world.branch_a1_1,
            name=name,
            standing="applicant",
            applied_on=D(2021, 1, 5),
            birth_date=D(1995, 1, 1),
            gender=gender,
        )
        for name, gender in [("钱补录", "M"), ("孙补录", "F")]
    ]
    rows = [
        {"person": p, "records": [
            {"step": 1, "on": D(2021, 1, 5)}, {"step": 2, "on": D(2021, 1, 20), "note": "书记谈话"},
            {"step": 10, "on": D(2021, 3, 1), "data": {"result": "合格"}},
        ]}
        for p in applicants
    ]  # fmt: skip
    services.cases_backfill(actor=world.admin, rows=rows, source="补录测试.xlsx")
    backfilled = list(StepRecord.objects.filter(case__person__in=applicants).order_by("pk"))
    return Life(case, s1, s2_old, s2_new, s3, s4, marker, backfilled)


@pytest.fixture
def life(world) -> Life:
    return live(world)


def fresh(record: StepRecord) -> StepRecord:
    return StepRecord.objects.get(pk=record.pk)


# ---- a normal life -----------------------------------------------------------------------------


def test_a_normal_life_verifies(life):
    result = chain.verify()
    assert result.ok, result.broken and result.broken.describe()
    assert result.count == StepRecord.objects.count() == 6 + 6
    head = RecordChainHead.objects.get()
    assert (head.last_id, head.hash, head.count) == (life.backfilled[-1].pk, result.head_hash, 12)
    records = list(StepRecord.objects.order_by("pk"))
    assert records[0].prev_hash == chain.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))
    assert len({r.hash for r in records}) == len(records) and all(len(r.hash) == 64 for r in records)
    # The chain's order is the order of writing: the correction and the return come after step 4.
    assert [r.pk for r in records[:6]] == [
        life.s1.pk,
        life.s2_old.pk,
        life.s3.pk,
        life.s4.pk,
        life.s2_new.pk,
        life.marker.pk,
    ]


def test_return_appends_a_marker_and_changes_nothing_in_place(world):
    person = make_person(world.branch_a1_1, name="赵新", standing="applicant", applied_on=D(2022, 3, 1),
                         birth_date=D(1996, 4, 4))  # fmt: skip
    case = services.case_open(actor=world.secretary, person=person)
    services.step_record(actor=world.secretary, case=case, step=1, on=D(2022, 3, 1))
    talk = services.step_record(actor=world.secretary, case=case, step=2, on=D(2022, 3, 20), note="书记谈话")
    before = StepRecord.objects.filter(pk=talk.pk).values().get()
    marker = services.step_return(actor=world.secretary, record=talk, reason=" 谈话记录不全 ")
    after = StepRecord.objects.filter(pk=talk.pk).values().get()
    assert {k for k in before if before[k] != after[k]} == {"is_current"} and not after["is_current"]
    marker = fresh(marker)
    assert (marker.kind, marker.step, marker.supersedes_id, marker.correction_reason) == (
        RecordKind.RETURN,
        2,
        talk.pk,
        "谈话记录不全",
    )
    assert marker.actor == world.secretary and not marker.is_current and marker.pk > talk.pk
    assert marker.on == timezone.localdate()
    # A return marker is no step: the case is back at step 1, the talk can be recorded again, and
    # neither the marker nor the returned record can be corrected or returned.
    assert [r.step for r in services.current_records(case)] == [1]
    assert Case.objects.get(pk=case.pk).last_step == 1
    for target in (marker, fresh(talk)):
        with pytest.raises(services.ValidationError):
            services.step_return(actor=world.secretary, record=target, reason="再退回")
        with pytest.raises(services.ValidationError):
            services.step_correct(actor=world.secretary, record=target, reason="更正", on=D(2022, 3, 21))
    services.step_record(actor=world.secretary, case=case, step=2, on=D(2022, 3, 22))
    assert chain.verify().ok


def test_a_correction_racing_a_return_is_refused(world):
    """The record to correct is read again under the case lock: returned meanwhile, it is refused."""
    person = make_person(world.branch_a1_1, name="赵新", standing="applicant", applied_on=D(2022, 3, 1),
                         birth_date=D(1996, 4, 4))  # fmt: skip
    case = services.case_open(actor=world.secretary, person=person)
    first = services.step_record(actor=world.secretary, case=case, step=1, on=D(2022, 3, 1))
    stale = fresh(first)
    services.step_return(actor=world.secretary, record=first, reason="申请书不规范")
    with pytest.raises(services.ValidationError, match="已被更正或退回"):
        services.step_record(actor=world.secretary, case=case, step=1, on=D(2022, 3, 2), supersedes=stale,
                             correction_reason="日期有误")  # fmt: skip
    assert chain.verify().ok


def test_the_case_page_shows_a_return(world, client_as, life):
    page = client_as(world.secretary).get(f"/development/case/{life.case.pk}/").content.decode()
    marker = fresh(life.marker)
    at = timezone.localtime(marker.created_at).strftime("%Y-%m-%d %H:%M")
    assert f"已退回：材料不全（{marker.actor_name}，{at}）" in page
    assert page.count("return-marker") == 1


def test_the_api_shows_a_return_on_the_returned_record(world, client, life):
    from dangjian.accounts.services import api_token_create

    _, token = api_token_create(actor=None, user=world.secretary, name="测试")
    body = client.get(f"/api/development/cases/{life.case.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    by_id = {r["id"]: r for r in body["records"]}
    assert life.marker.pk not in by_id  # markers are no steps
    returned = by_id[life.s4.pk]
    assert not returned["is_current"] and returned["returned"]["reason"] == "材料不全"
    assert by_id[life.s1.pk]["returned"] is None and by_id[life.s2_new.pk]["supersedes_id"] == life.s2_old.pk


def test_times_are_hashed_alike_from_sqlite_text_and_from_datetimes():
    """verify reads SQLite's stored text; appends hash datetimes: both give the same canonical form."""
    shanghai = dt.timezone(dt.timedelta(hours=8))
    at = dt.datetime(2026, 11, 20, 18, 0, 0, 700198, tzinfo=shanghai)
    assert (
        chain._utc_iso(at)
        == chain._utc_iso("2026-11-20 10:00:00.700198")
        == "2026-11-20T10:00:00.700198+00:00"
    )
    whole = dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC)  # stored without a fraction by Django
    assert (
        chain._utc_iso(whole) == chain._utc_iso("2026-11-20 10:00:00") == "2026-11-20T10:00:00.000000+00:00"
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL's types refuse such values")
@pytest.mark.parametrize(("column", "value"), [("created_at", "gestern"), ("data", "null")])
def test_a_value_that_cannot_be_read_is_a_changed_content(life, column, value):
    raw(f"UPDATE {{table}} SET {column} = %s WHERE id = %s", value, life.s2_new.pk)
    result = chain.verify()
    assert (result.broken.record_id, result.broken.problem) == (life.s2_new.pk, chain.CONTENT_CHANGED)
    assert result.broken.person_name == "赵新"


# ---- bulk appends --------------------------------------------------------------------------------


def test_backfill_chains_in_row_order(life):
    records = life.backfilled
    assert records[0].prev_hash == fresh(life.marker).hash
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(records))
    assert [(r.case.person.name, r.step) for r in records] == [
        ("钱补录", 1),
        ("钱补录", 2),
        ("钱补录", 10),
        ("孙补录", 1),
        ("孙补录", 2),
        ("孙补录", 10),
    ]
    assert len({r.created_at for r in records}) == 1 and records[0].created_at is not None


def test_backfill_refuses_ids_out_of_chain_order(world, life):
    """If the database handed out ids in another order than the rows', nothing is written."""
    from dangjian.base import bulk

    real = bulk.insert_rows
    head = RecordChainHead.objects.get()
    count = StepRecord.objects.count()
    person = make_person(world.branch_a1_1, name="李乱序", standing="applicant", applied_on=D(2021, 1, 5),
                         birth_date=D(1995, 1, 1))  # fmt: skip
    rows = [
        {"person": person, "records": [{"step": 1, "on": D(2021, 1, 5)}, {"step": 2, "on": D(2021, 1, 9)}]}
    ]
    with (
        mock.patch.object(
            bulk, "insert_rows", lambda model, objs, batch_size: real(model, objs[::-1], batch_size)
        ),
        pytest.raises(chain.ChainError, match="编号顺序"),
    ):
        services.cases_backfill(actor=None, rows=rows, source="乱序")
    assert StepRecord.objects.count() == count and RecordChainHead.objects.get().hash == head.hash
    assert not Case.objects.filter(person=person).exists()
    assert chain.verify().ok


# ---- tampering ---------------------------------------------------------------------------------


def raw(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=connection.ops.quote_name(StepRecord._meta.db_table)), params)


def rehash_one(pk: int) -> None:
    """A cleverer tamperer: change a record and give it a matching hash (its successor still knows)."""
    record = StepRecord.objects.get(pk=pk)
    record.note = "改过"
    StepRecord.objects.filter(pk=pk).update(
        note=record.note, hash=chain.content_hash(record.prev_hash, chain._values(record))
    )


# (what is done, the record verify must name, the problem)
TAMPERS = {
    "date": (lambda L: StepRecord.objects.filter(pk=L.s3.pk).update(on=D(2022, 5, 11)), "s3", chain.CONTENT_CHANGED),
    "data json": (lambda L: StepRecord.objects.filter(pk=L.backfilled[2].pk).update(data={"result": "不合格"}),
                  "backfilled[2]", chain.CONTENT_CHANGED),
    "note, raw SQL": (lambda L: raw("UPDATE {table} SET note = %s WHERE id = %s", "补写", L.s1.pk), "s1", chain.CONTENT_CHANGED),
    "recorder": (lambda L: StepRecord.objects.filter(pk=L.s2_new.pk).update(actor_name="他人"), "s2_new",
                 chain.CONTENT_CHANGED),
    "recorded at, 1 µs": (lambda L: StepRecord.objects.filter(pk=L.s1.pk).update(
        created_at=fresh(L.s1).created_at + dt.timedelta(microseconds=1)), "s1", chain.CONTENT_CHANGED),
    "return reason": (lambda L: StepRecord.objects.filter(pk=L.marker.pk).update(correction_reason="无"),
                      "marker", chain.CONTENT_CHANGED),
    "return marker made a step": (lambda L: StepRecord.objects.filter(pk=L.marker.pk).update(kind="record"),
                                  "marker", chain.CONTENT_CHANGED),
    "backfill flag": (lambda L: StepRecord.objects.filter(pk=L.backfilled[0].pk).update(is_backfill=False),
                      "backfilled[0]", chain.CONTENT_CHANGED),
    "findings": (lambda L: StepRecord.objects.filter(pk=L.backfilled[5].pk).update(findings=[]),
                 "backfilled[5]", chain.CONTENT_CHANGED),
    "rehashed": (lambda L: rehash_one(L.s3.pk), "s4", chain.LINK_BROKEN),
    "middle deleted": (lambda L: StepRecord.objects.filter(pk=L.s3.pk).delete(), "s4", chain.LINK_BROKEN),
    "middle deleted, raw SQL": (lambda L: raw("DELETE FROM {table} WHERE id = %s", L.backfilled[1].pk), "backfilled[2]",
                                chain.LINK_BROKEN),
    "first deleted": (lambda L: StepRecord.objects.filter(pk=L.s1.pk).delete(), "s2_old", chain.LINK_BROKEN),
    "last deleted": (lambda L: StepRecord.objects.filter(pk=L.backfilled[5].pk).delete(), "backfilled[4]",
                     chain.LINK_BROKEN),
    "inserted at the end": (lambda L: StepRecord.objects.create(case=L.case, step=5, on=D(2022, 6, 1),
                                                               org=L.case.org), "new", chain.LINK_BROKEN),
    "current flag cleared": (lambda L: StepRecord.objects.filter(pk=L.s1.pk).update(is_current=False), "s1",
                             chain.FLAG_WRONG),
    "returned record made current": (lambda L: StepRecord.objects.filter(pk=L.s4.pk).update(is_current=True),
                                     "s4", chain.FLAG_WRONG),
    "return marker made current": (lambda L: StepRecord.objects.filter(pk=L.marker.pk).update(is_current=True),
                                   "marker", chain.FLAG_WRONG),
    "head rewritten": (lambda L: RecordChainHead.objects.update(hash="f" * 64), "backfilled[5]", chain.HEAD_WRONG),
    "head deleted": (lambda L: RecordChainHead.objects.all().delete(), None, chain.HEAD_WRONG),
}  # fmt: skip


def named(life: Life, which: str | None) -> int | None:
    if which is None:
        return None
    if which == "new":
        return StepRecord.objects.order_by("-pk").values_list("pk", flat=True).first()
    if which.startswith("backfilled["):
        return life.backfilled[int(which[11:-1])].pk
    return getattr(life, which).pk


@pytest.mark.parametrize("tamper", TAMPERS, ids=list(TAMPERS))
def test_tampering_is_found_and_named(life, tamper):
    change, which, problem = TAMPERS[tamper]
    assert chain.verify().ok
    change(life)
    result = chain.verify()
    assert not result.ok, f"{tamper}: not found"
    assert (result.broken.record_id, result.broken.problem) == (named(life, which), problem), (
        result.broken.describe()
    )
    if which not in (None, "new") and StepRecord.objects.filter(pk=named(life, which)).exists():
        assert result.broken.person_name and result.broken.step is not None
    assert problem in result.broken.describe()


FIELD_CHANGES = {
    "on": lambda r: r.on - dt.timedelta(days=1),
    "step": lambda r: r.step + 30,
    "note": lambda r: r.note + "。",
    "actor_name": lambda r: r.actor_name + "X",
    "filing_ref": lambda r: "组字〔2024〕1号",
    "data": lambda r: {**r.data, "result": "不合格"},
    "findings": lambda r: [*r.findings, {"rule": "R-X"}],
    "acknowledged": lambda r: [*r.acknowledged, "R-TALK"],
    "is_backfill": lambda r: not r.is_backfill,
    "correction_reason": lambda r: r.correction_reason + "改",
    "created_at": lambda r: r.created_at - dt.timedelta(microseconds=1),
    "kind": lambda r: RecordKind.RETURN if r.kind == RecordKind.RECORD else RecordKind.RECORD,
    "org_id": lambda r: r.org_id + 1,
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(0, 11), field=st.sampled_from(sorted(FIELD_CHANGES)))
def test_any_changed_field_of_any_record_is_found(life, index, field):
    records = list(StepRecord.objects.order_by("pk"))
    target = records[index]
    with transaction.atomic():
        try:
            with transaction.atomic():
                StepRecord.objects.filter(pk=target.pk).update(**{field: FIELD_CHANGES[field](target)})
        except IntegrityError:
            assume(False)  # e.g. an org id that does not exist
        result = chain.verify()
        transaction.set_rollback(True)
    assert not result.ok and (result.broken.record_id, result.broken.problem) == (
        target.pk,
        chain.CONTENT_CHANGED,
    ), result.broken and result.broken.describe()
    assert chain.verify().ok


# ---- the command ---------------------------------------------------------------------------------


def test_command_reports_success_and_the_first_break(life):
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    head = RecordChainHead.objects.get()
    assert f"全程纪实校验通过：共 12 条记录，链首哈希 {head.hash}" in out.getvalue()

    StepRecord.objects.filter(pk=life.s3.pk).update(on=D(2022, 5, 11))
    StepRecord.objects.filter(pk=life.backfilled[0].pk).update(note="后改")  # later: not reported
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 1
    message = err.getvalue()
    assert f"记录 #{life.s3.pk}（赵新，发展纪实 #{life.case.pk}，" in message
    assert "内容被修改" in message and f"#{life.backfilled[0].pk}" not in message
    assert "此前的 2 条记录完好" in message


# ---- migrating the rows of earlier versions ------------------------------------------------------


def test_migration_chains_old_rows_and_converts_old_returns(world):
    """Rows written before the chain: no hashes, and a return made by changing the row in place."""
    migration = importlib.import_module("dangjian.development.migrations.0005_record_chain_fill")
    life = live(world)
    old_style = life.s3  # the latest step once step 4 was returned
    # What the old step_return did to a row, and the change-log entry it wrote:
    StepRecord.objects.filter(pk=old_style.pk).update(
        is_current=False, correction_reason="退回：推荐材料不全"
    )
    # (chained as the change-log migration chains the rows of earlier versions)
    entry = ChangeRecord(actor=world.organizer, actor_name="组织员", action="update",
                         object_type="development.case", object_id=life.case.pk,
                         object_repr="x", message="退回：推荐材料不全")  # fmt: skip
    record_changes(records=[entry])
    StepRecord.objects.update(prev_hash="", hash="")
    RecordChainHead.objects.all().delete()
    assert not chain.verify().ok

    assert migration.convert_legacy_returns(StepRecord, ChangeRecord) == 1
    count, last_id, digest = migration.fill_hashes(StepRecord, RecordChainHead, connection)

    result = chain.verify()
    assert result.ok, result.broken.describe()
    assert (count, last_id, digest) == (13, StepRecord.objects.latest("pk").pk, result.head_hash)
    marker = StepRecord.objects.get(supersedes=old_style)
    assert (marker.kind, marker.correction_reason, marker.actor, marker.created_at) == (
        RecordKind.RETURN,
        "推荐材料不全",
        world.organizer,
        ChangeRecord.objects.get(pk=entry.pk).time,
    )
    assert fresh(old_style).correction_reason == ""
    # And the chain goes on from there.
    services.step_record(actor=world.secretary, case=life.case, step=3, on=D(2022, 5, 12))
    assert chain.verify().ok


def test_appending_without_a_head_row_is_refused(life):
    RecordChainHead.objects.all().delete()
    with pytest.raises(chain.ChainError, match="链首记录缺失"):
        services.step_record(actor=None, case=life.case, step=4, on=D(2022, 5, 21))


def test_an_empty_database_starts_a_new_chain(db):
    RecordChainHead.objects.all().delete()
    assert chain.verify().ok and chain.verify().count == 0


# ---- two writers at once (PostgreSQL: real threads, see test_concurrency.py) ----------------------


@pytest.fixture
def tworld(transactional_db, world) -> World:
    return world


@on_postgres
def test_two_writers_at_once_do_not_fork_the_chain(tworld):
    first, second = new_case(tworld), new_case(tworld, name="钱新")
    other = make_person(tworld.branch_a1_1, name="孙补录", standing="applicant", applied_on=D(2021, 1, 5),
                        birth_date=D(1995, 1, 1), gender="F")  # fmt: skip
    rows = [
        {"person": other, "records": [{"step": 1, "on": D(2021, 1, 5)}, {"step": 2, "on": D(2021, 1, 9)}]}
    ]
    results, errors = race(
        lambda: services.step_record(actor=tworld.secretary, case=first, step=2, on=D(2022, 3, 10)),
        lambda: services.step_record(actor=tworld.organizer, case=second, step=2, on=D(2022, 3, 11)),
        lambda: services.cases_backfill(actor=None, rows=rows, source="并发补录"),
    )
    assert len(results) == 3, errors
    result = chain.verify()
    assert result.ok, result.broken.describe()
    assert result.count == StepRecord.objects.count() == 6
    assert StepRecord.objects.values("prev_hash").distinct().count() == 6  # no two records share a parent
