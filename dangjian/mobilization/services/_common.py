"""Helpers shared by the mobilization services: dates, errors, rights, the campaign lock and the
checks of orgs, periods and people; the bulk-entry helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.middleware import current_request_id
from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.audit.services import SYSTEM_ACTOR, record_changes
from dangjian.base.bulk import insert_rows
from dangjian.base.phone import normalize_phone
from dangjian.orgs.models import Org
from dangjian.people.membership import full_member_on, member_on
from dangjian.people.models import Person

from .. import selectors
from ..models import Campaign


def _today() -> dt.date:
    return timezone.localdate()


def _d(day: dt.date | None) -> str:
    return f"{day:%Y-%m-%d}" if day else "—"


def _require(actor, org: Org, message: str, action: str = Action.CHANGE_PERSON) -> None:
    if actor is not None:
        scope.require(actor, action, org, message)


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _err(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _actor_user(actor):
    return actor if actor is not None and actor.pk else None


def _actor_name(actor) -> str:
    return (actor.get_full_name() or actor.username) if _actor_user(actor) else SYSTEM_ACTOR


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update(of=("self",)).select_related("org").get(pk=campaign.pk)


def _require_active(campaign: Campaign, what: str) -> None:
    if not campaign.is_active:
        raise ValidationError(f"“{campaign.name}”已于{_d(campaign.closed_on)}结束，不能再{what}。")


def _in_campaign(campaign: Campaign, org: Org) -> bool:
    return org.path.startswith(campaign.org.path)


def _check_org(
    errors, field: str, campaign: Campaign, org: Org | None, *, allow_temporary: bool = True
) -> None:
    if org is None:
        _err(errors, field, "请选择党组织。")
        return
    if not _in_campaign(campaign, org):
        _err(errors, field, f"“{org.name}”不在“{campaign.org.name}”的范围内，不能纳入本次动员。")
    elif not org.is_active:
        _err(errors, field, f"“{org.name}”已撤销。")
    elif org.is_temporary and not allow_temporary:
        _err(errors, field, f"“{org.name}”是临时党组织，不能承担此项工作。")


def _check_period(
    errors, field: str, campaign: Campaign, day: dt.date | None, label: str, *, future: bool = False
):
    """`day` must lie in the campaign (from its start to its planned or actual end)."""
    if day is None:
        _err(errors, field, f"请填写{label}。")
        return
    if day < campaign.starts_on:
        _err(
            errors,
            field,
            f"{label}（{_d(day)}）早于“{campaign.name}”的开始日期（{_d(campaign.starts_on)}）。",
        )
    end = campaign.closed_on or campaign.ends_on
    if end and day > end:
        _err(errors, field, f"{label}（{_d(day)}）晚于“{campaign.name}”的结束日期（{_d(end)}）。")
    if not future and day > _today():
        _err(errors, field, f"{label}不能晚于今天。")


def _check_visible(actor, campaign: Campaign, people: Iterable[Person]) -> None:
    """Every person named must be visible to the actor in this campaign (or they may not name them)."""
    if actor is None:
        return
    ids = {p.pk for p in people}
    if not ids:
        return
    seen = set(selectors.visible_people(actor, campaign).filter(pk__in=ids).values_list("pk", flat=True))
    if ids - seen:
        raise PermissionDenied("所选人员不在您的管理范围内。")


def _is_member(person: Person, on: dt.date | None = None) -> bool:
    """Whether `person` was a party member on `on` (default today): judged by the date, not today's standing."""
    return member_on(person, on or _today())


def _off_books(person: Person, on: dt.date | None = None) -> bool:
    """Whether `person` had left the books (减少) by `on` (default today)."""
    on = on or _today()
    return bool(person.reduction) and (person.reduced_on is None or person.reduced_on <= on)


def _not_member(person: Person, on: dt.date | None, *, full: bool = False) -> str:
    """Why `person` was not a party member (a full member, with `full`) on `on`, naming the date."""
    on = on or _today()
    if _off_books(person, on):
        when = f"已于{_d(person.reduced_on)}" if person.reduced_on else "已"
        return f"{person.name}{when}减少（{person.get_reduction_display()}），{_d(on)}不在册。"
    if not member_on(person, on):
        if person.admitted_on is not None and person.admitted_on > on:
            return f"{person.name}于{_d(person.admitted_on)}才接收为预备党员，{_d(on)}时还不是党员。"
        return f"{person.name}{_d(on)}时不是在册党员（现为{person.get_standing_display()}）。"
    if full and not full_member_on(person, on):
        if person.converted_on is not None and person.converted_on > on:
            return f"{person.name}于{_d(person.converted_on)}才转为正式党员，{_d(on)}时是预备党员。"
        return f"{person.name}{_d(on)}时是预备党员，不是正式党员。"
    return ""


def _fresh(person: Person) -> Person:
    return Person.objects.select_related("org").get(pk=person.pk)


# ---- teams -------------------------------------------------------------------------------------


def _clean_other(name: str, phone: str, errors, field: str) -> tuple[str, str]:
    name = (name or "").strip()
    if not name or any(ch.isdigit() for ch in name) or len(name) > 40:
        _err(errors, field, f"姓名“{name}”无效（不能为空或含数字，不超过40个字）。")
    try:
        phone = normalize_phone(phone or "")
    except ValidationError as exc:
        _err(errors, field, f"{name}：{exc.messages[0]}")
    return name, phone


# ---- bulk entry (demo data, benchmarks, imports) -----------------------------------------------


class BulkError(ValidationError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems[:100])


def _bulk_records(actor, objects: Sequence[Any], object_type: str, message: str) -> None:
    """One creation record per object, as the other bulk services write them."""
    actor_user, actor_name, request_id = _actor_user(actor), _actor_name(actor), current_request_id.get()
    record_changes(
        records=[
            ChangeRecord(
                actor=actor_user, actor_name=actor_name, action=ChangeAction.CREATE, object_type=object_type,
                object_id=obj.pk, object_repr=str(obj)[:200], request_id=request_id, message=message,
            )
            for obj in objects
        ],
    )  # fmt: skip


def _insert_with_ids(model, objects: list, **owner) -> None:
    """insert_rows (a COPY / executemany) and give the objects their ids.

    The caller holds the campaign's lock, so the newest rows of `owner` (e.g. campaign=…) are these.
    """
    if not objects:
        return
    insert_rows(model, objects)
    ids = list(model.objects.filter(**owner).order_by("-id").values_list("id", flat=True)[: len(objects)])
    for obj, pk in zip(objects, reversed(ids), strict=True):
        obj.pk = pk


def _bulk_scope(actor, orgs: Iterable[Org], action: str = Action.CHANGE_PERSON) -> list[str]:
    if actor is None:
        return []
    return [
        f"“{o.name}”不在您的管理范围内。"
        for o in {o.pk: o for o in orgs}.values()
        if not scope.can(actor, action, o)
    ]
