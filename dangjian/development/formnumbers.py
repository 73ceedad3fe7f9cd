"""入党志愿书编号: the 组织部 issues number ranges (号段) to committees; step 14 of a case takes the
next free number of the nearest committee above its branch that holds a range, or a number the
branch types, which must lie in such a range and be free. A used or voided number is never used
again: a corrected step 14 that changes the number, or a returned one, voids the old number.

Where no committee above a branch holds a range, step 14 keeps a free-text number (the 2014 细则
sets no numbering; the ranges are a local practice, like OWIP's ApplySn).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change
from dangjian.development.models import Case, FormNumber, FormNumberRange, FormNumberState, StepRecord
from dangjian.development.rulesets import can_edit
from dangjian.orgs.models import Org, OrgKind

PREFIX_PATTERN = re.compile(r"[0-9A-Za-z\-]{0,20}")
MAX_RANGE = 100_000
FORM_STEP = 14


# ---- reads ----------------------------------------------------------------------------------------------


def ranges_for(user) -> QuerySet[FormNumberRange]:
    """The ranges issued to committees in the user's scope, with how many numbers are used and void."""
    return (
        FormNumberRange.objects.filter(org__in=scope.orgs_for(user))
        .select_related("org")
        .annotate(
            used=Count("numbers", filter=Q(numbers__state=FormNumberState.USED)),
            voided=Count("numbers", filter=Q(numbers__state=FormNumberState.VOID)),
        )
    )


def get_range_for_user(user, pk: int) -> FormNumberRange:
    from django.http import Http404

    found = ranges_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def range_entries(number_range: FormNumberRange) -> list[FormNumber]:
    return list(number_range.numbers.select_related("case__person").order_by("seq"))


def _ranges_above(org: Org) -> list[FormNumberRange]:
    """The ranges of the committees above (or at) `org`, nearest committee first."""
    paths = [org.path[:end] for end in range(Org.steplen, len(org.path) + 1, Org.steplen)]
    ranges = FormNumberRange.objects.filter(org__path__in=paths).select_related("org")
    return sorted(ranges, key=lambda r: (-r.org.depth, r.issued_on, r.prefix, r.first))


def _taken(ranges: list[FormNumberRange]) -> dict[int, set[int]]:
    taken: dict[int, set[int]] = {r.pk: set() for r in ranges}
    for range_id, seq in FormNumber.objects.filter(range__in=ranges).values_list("range_id", "seq"):
        taken[range_id].add(seq)
    return taken


def next_free(ranges: list[FormNumberRange]) -> tuple[FormNumberRange, int] | None:
    """The first free number of the nearest committee's ranges, in the order they were issued."""
    if not ranges:
        return None
    nearest = ranges[0].org_id
    taken = _taken(ranges)
    for number_range in ranges:
        if number_range.org_id != nearest:
            break
        for seq in range(number_range.first, number_range.last + 1):
            if seq not in taken[number_range.pk]:
                return number_range, seq
    return None


def _match(ranges: list[FormNumberRange], number: str) -> tuple[FormNumberRange, int] | None:
    for number_range in ranges:
        rest = number[len(number_range.prefix) :]
        if (
            number.startswith(number_range.prefix)
            and len(rest) == number_range.width
            and rest.isdigit()
            and number_range.first <= int(rest) <= number_range.last
        ):
            return number_range, int(rest)
    return None


def step_problems(case: Case, data: dict, supersedes: StepRecord | None = None) -> list[str]:
    """What refuses the number of a step 14 (empty where the committees above issue no ranges)."""
    ranges = _ranges_above(case.org)
    if not ranges:
        return []
    number = str(data.get("form_number") or "").strip()
    if not number:
        if next_free(ranges) is None:
            return [f"{ranges[0].org.name}领取的入党志愿书编号已用完，请向组织部申领新的号段。"]
        return []
    found = _match(ranges, number)
    if found is None:
        issued = "、".join(str(r) for r in ranges[:3])
        return [f"入党志愿书编号“{number}”不在上级党委领取的号段内（{issued}）。"]
    entry = FormNumber.objects.filter(number=number).first()
    if entry is None:
        return []
    if entry.state == FormNumberState.VOID:
        return [f"入党志愿书编号“{number}”已作废，不能再使用。"]
    if supersedes is not None and entry.record_id == supersedes.pk:
        return []  # a correction that keeps its number
    return [f"入党志愿书编号“{number}”已被使用，请换用其他编号（留空则自动取下一个空号）。"]


# ---- writes (inside step_record / step_return, under the case lock) ------------------------------------------


def fill_next(case: Case, data: dict) -> dict:
    """A step 14 without a number gets the next free one, where the committees above hold ranges."""
    if str(data.get("form_number") or "").strip():
        return data
    found = next_free(_ranges_above(case.org))
    if found is None:
        return data
    number_range, seq = found
    return {**data, "form_number": number_range.number(seq)}


def claim(*, record: StepRecord, supersedes: StepRecord | None) -> None:
    """Mark the step's number used (after the record is written); a correction that changed the
    number voids the old one."""
    number = str((record.data or {}).get("form_number") or "").strip()
    old = FormNumber.objects.filter(record=supersedes).first() if supersedes is not None else None
    if old is not None and old.number != number:
        FormNumber.objects.filter(pk=old.pk).update(
            state=FormNumberState.VOID, reason="步骤更正后作废", record=None
        )
    elif old is not None:
        FormNumber.objects.filter(pk=old.pk).update(record=record)
        return
    found = _match(_ranges_above(record.case.org), number) if number else None
    if found is None:
        return
    number_range, seq = found
    try:
        with transaction.atomic():
            FormNumber.objects.create(
                range=number_range, seq=seq, number=number, state=FormNumberState.USED, case=record.case,
                record=record, on=record.on,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError(f"入党志愿书编号“{number}”刚刚已被使用，请重新保存。") from None


def release(*, record: StepRecord, reason: str) -> None:
    """A returned step 14: its number is voided, never handed out again."""
    FormNumber.objects.filter(record=record, state=FormNumberState.USED).update(
        state=FormNumberState.VOID, reason=f"步骤退回后作废：{reason}"[:200], record=None
    )


# ---- writes by the 组织部 ------------------------------------------------------------------------------------


@transaction.atomic
def range_issue(
    *,
    actor,
    org: Org,
    prefix: str,
    first: int,
    last: int,
    issued_on: dt.date,
    width: int | None = None,
    document_ref: str = "",
) -> FormNumberRange:
    """Issue a range to a committee: only a 组织部管理员 above or at it (or a superuser)."""
    org = scope.get_org_for_user(actor, org.pk, Action.VIEW) if actor is not None else org
    if not can_edit(actor, org):
        raise PermissionDenied("只有组织部管理员可以发放入党志愿书号段。")
    prefix = (prefix or "").strip()
    errors: list[str] = []
    if org.kind != OrgKind.COMMITTEE or org.dissolved_on is not None:
        errors.append(f"号段只能发给党委（基层党委及以上），“{org.name}”不是。")
    if not PREFIX_PATTERN.fullmatch(prefix):
        errors.append("编号前缀只能由数字、字母和“-”组成，最多20位。")
    if first < 1 or last < first:
        errors.append("起始号应不小于1，终止号不小于起始号。")
    elif last - first + 1 > MAX_RANGE:
        errors.append(f"一次最多发放{MAX_RANGE}个编号。")
    width = width or len(str(last))
    if width < len(str(last)) or width > 10:
        errors.append("序号位数应能容纳终止号，且不超过10位。")
    if errors:
        raise ValidationError(errors)
    clash = (
        FormNumberRange.objects.select_for_update()
        .filter(prefix=prefix, width=width, first__lte=last, last__gte=first)
        .select_related("org")
        .first()
    )
    if clash is not None:
        raise ValidationError(f"与已发给{clash.org.name}的号段 {clash} 重叠。")
    created = FormNumberRange.objects.create(
        org=org, prefix=prefix, first=first, last=last, width=width, issued_on=issued_on,
        document_ref=(document_ref or "").strip()[:100], issued_by=actor if actor is not None and actor.pk else None,
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=created,
        after={"领取单位": org.name, "号段": str(created), "发放日期": issued_on.isoformat()},
        message="发放入党志愿书号段",
    )  # fmt: skip
    return created


@transaction.atomic
def number_void(*, actor, number_range: FormNumberRange, seq: int, reason: str, on: dt.date) -> FormNumber:
    """Void an unused number (a spoiled form): by the committee that holds the range or above."""
    number_range = FormNumberRange.objects.select_for_update().select_related("org").get(pk=number_range.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, number_range.org, "您无权作废该号段的编号。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写作废原因。")
    if not number_range.first <= seq <= number_range.last:
        raise ValidationError(f"序号{seq}不在号段 {number_range} 内。")
    number = number_range.number(seq)
    existing = FormNumber.objects.filter(number=number).first()
    if existing is not None:
        raise ValidationError(f"编号“{number}”{existing.get_state_display()}，不能作废。")
    voided = FormNumber.objects.create(
        range=number_range, seq=seq, number=number, state=FormNumberState.VOID, on=on, reason=reason[:200]
    )
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=number_range, after={"作废编号": number, "原因": reason},
        message="作废入党志愿书编号",
    )  # fmt: skip
    return voided
