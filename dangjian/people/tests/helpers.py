"""Plain helpers shared by the person service tests (test_person_*.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangjian.audit.models import ChangeRecord
from dangjian.base.idnumber import SHANGHAI
from dangjian.conftest import valid_id_number
from dangjian.orgs.services import org_create, org_dissolve
from dangjian.people.models import Person, Standing
from dangjian.people.services import person_create

BIRTH = dt.date(1990, 5, 17)
DUPLICATE = "该公民身份号码已有人员档案，不能重复建档。"


def fields(**overrides) -> dict:
    """A valid full member born 1990-05-17, as person_create takes them."""
    birth = overrides.get("birth_date", BIRTH)
    gender = overrides.get("gender", "M")
    data = {
        "name": "王建国",
        "id_number": valid_id_number(birth, gender),
        "gender": gender,
        "birth_date": birth,
        "standing": Standing.FULL,
        "applied_on": dt.date(2010, 3, 1),
        "activist_on": dt.date(2010, 6, 1),
        "candidate_on": dt.date(2011, 7, 1),
        "admitted_on": dt.date(2011, 12, 1),
        "converted_on": dt.date(2012, 12, 1),
        "backfill_reason": "据本人党员档案补录",  # a member's file is 补录 (no development records)
    }
    data.update(overrides)
    return data


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict


def all_messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for ms in exc.message_dict.values() for m in ms]
    return list(exc.messages)


def db_state() -> dict:
    return {
        "people": sorted(
            Person.objects.values_list("pk", "name", "org_id", "id_number", "standing", "reduction", "phone")
        ),
        "changes": ChangeRecord.objects.count(),
    }


def create_refused(world, org=None, **overrides) -> dict[str, list[str]]:
    before = db_state()
    with pytest.raises(ValidationError) as info:
        person_create(actor=world.admin, org=org or world.branch_a1_2, **fields(**overrides))
    assert db_state() == before
    return errors_of(info.value)


# 2024-06-01 07:30 in Shanghai is still 2024-05-31 in UTC.
FROZEN = dt.datetime(2024, 6, 1, 7, 30, tzinfo=SHANGHAI)
TODAY = dt.date(2024, 6, 1)


def temporary_branch(world):
    temp = org_create(
        actor=None, parent=world.county_a, code="TMP-C", name="临时党委", kind="temp_committee",
        founded_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    return org_create(
        actor=None, parent=temp, code="TMP-B", name="培训班临时党支部", kind="temp_branch",
        founded_on=dt.date(2020, 1, 1),
    )  # fmt: skip


def dissolved_branch(world):
    branch = org_create(actor=None, parent=world.town_a1, code="BR-OLD", name="已撤销支部", kind="branch")
    return org_dissolve(actor=None, org=branch, dissolved_on=dt.date(2020, 1, 1), reason="撤并")
