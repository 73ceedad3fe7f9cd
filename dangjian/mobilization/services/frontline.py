"""From the front line into the pipeline: recommendations and their acceptance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change, snapshot
from dangjian.orgs.models import Org
from dangjian.people.models import Person

from ..models import Campaign, FrontlineRecommendation, FrontlineReview, ReviewDecision, ReviewLevel
from ._common import (
    BulkError,
    _actor_user,
    _bulk_records,
    _bulk_scope,
    _check_org,
    _check_period,
    _check_visible,
    _d,
    _err,
    _fresh,
    _is_member,
    _lock,
    _not_member,
    _off_books,
    _raise,
    _require,
    _require_active,
    _today,
)
from .temporary_orgs import frontline_applies

# ---- from the front line into the pipeline -----------------------------------------------------


def _link_case(actor, recommendation: FrontlineRecommendation) -> None:
    """Open (or find) the case at the person's home org, with the campaign as its source."""
    from dangjian.development.models import Case, CaseStatus
    from dangjian.development.services import case_open, case_set_special_basis

    campaign = recommendation.campaign
    special = campaign.frontline_basis if frontline_applies(campaign, recommendation.recommended_on) else ""
    case = Case.objects.filter(person_id=recommendation.person_id).first()
    if case is None:
        case = case_open(
            actor=actor,
            person=recommendation.person,
            special_basis=special,
            source=f"一线推荐：{campaign.name}",
        )
    elif special and not case.frontline and case.status == CaseStatus.OPEN:
        case = case_set_special_basis(actor=actor, case=case, special_basis=special)
    recommendation.case = case
    recommendation.save(update_fields=["case"])


@transaction.atomic
def frontline_recommend(
    *,
    actor,
    campaign: Campaign,
    person: Person,
    recommended_by: Org,
    recommended_on: dt.date,
    reason: str,
) -> FrontlineRecommendation:
    """一线推荐: recommend someone who stood out into the development pipeline.

    When the actor also manages the person's home org the case is opened at once; otherwise the
    recommendation waits for the home org to take it up (`frontline_accept`). A temporary org may
    recommend, never admit: the case is always the home branch's (RULES.md §7.4).
    """
    campaign = _lock(campaign)
    _require_active(campaign, "一线推荐")
    recommended_by = Org.objects.get(pk=recommended_by.pk) if recommended_by is not None else None
    if recommended_by is not None:
        _require(actor, recommended_by, "您无权以该党组织的名义推荐。")
    person = _fresh(person)
    errors: dict[str, list[str]] = {}
    _check_org(errors, "recommended_by", campaign, recommended_by)
    if _off_books(person, recommended_on):
        _err(errors, "person", _not_member(person, recommended_on))
    elif _is_member(person, recommended_on) or _is_member(person):
        since = f"（{_d(person.admitted_on)}接收为预备党员）" if person.admitted_on else ""
        _err(errors, "person", f"{person.name}已是党员{since}，不需要推荐入党。")
    elif FrontlineRecommendation.objects.filter(campaign=campaign, person=person).exists():
        _err(errors, "person", f"{person.name}在本次动员中已被推荐。")
    _check_period(errors, "recommended_on", campaign, recommended_on, "推荐日期")
    reason = (reason or "").strip()
    if not reason:
        _err(errors, "reason", "请填写一线表现（推荐理由）。")
    _raise(errors)
    _check_visible(actor, campaign, [person])
    recommendation = FrontlineRecommendation.objects.create(
        campaign=campaign, person=person, recommended_by=recommended_by, recommended_on=recommended_on,
        reason=reason, recorded_by=_actor_user(actor),
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.CREATE, obj=recommendation,
        after=snapshot(recommendation, ("campaign", "person", "recommended_by", "recommended_on", "reason")),
    )  # fmt: skip
    if not review_chain(campaign) and (actor is None or scope.can(actor, Action.CHANGE_PERSON, person.org)):
        _link_case(actor, recommendation)
    return recommendation


@transaction.atomic
def frontline_accept(*, actor, recommendation: FrontlineRecommendation) -> FrontlineRecommendation:
    """The home org takes up a recommendation: the case is opened (or found) there."""
    rec = (
        FrontlineRecommendation.objects.select_for_update(of=("self",))
        .select_related("campaign", "person", "person__org")
        .get(pk=recommendation.pk)
    )
    _require(actor, rec.person.org, "接收推荐、建立发展纪实由被推荐人所在党组织办理。")
    if chain := review_chain(rec.campaign):
        raise ValidationError(
            f"本次动员的一线推荐须逐级审核（{'→'.join(ReviewLevel(level).label for level in chain)}），"
            "最后一级同意后自动建立发展纪实。"
        )
    if rec.case_id is not None:
        raise ValidationError(f"{rec.person.name}的推荐已转入发展程序。")
    _link_case(actor, rec)
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=rec, message="原单位党组织接收推荐，建立发展纪实"
    )
    return rec


@transaction.atomic
def frontline_recommendations_bulk_create(*, actor, campaign: Campaign, rows: list[dict[str, Any]]) -> int:
    """Recommendations entered after the fact (补录, demo data): each linked to the person's case if
    there is one, none is opened. Row: person, recommended_by, recommended_on, reason."""
    from dangjian.development.models import Case

    campaign = Campaign.objects.select_related("org").get(pk=campaign.pk)
    problems = _bulk_scope(actor, [r["recommended_by"] for r in rows])
    seen = set(FrontlineRecommendation.objects.filter(campaign=campaign).values_list("person_id", flat=True))
    for i, row in enumerate(rows, start=1):
        errors: dict[str, list[str]] = {}
        _check_org(errors, "recommended_by", campaign, row["recommended_by"])
        _check_period(errors, "recommended_on", campaign, row["recommended_on"], "推荐日期")
        if row["person"].pk in seen:
            _err(errors, "person", f"{row['person'].name}重复推荐。")
        seen.add(row["person"].pk)
        problems += [f"第{i}行（{row['person'].name}）：{m}" for ms in errors.values() for m in ms]
    if problems:
        raise BulkError(problems)
    cases = dict(
        Case.objects.filter(person_id__in=[r["person"].pk for r in rows]).values_list("person_id", "pk")
    )
    recs = [
        FrontlineRecommendation(
            campaign=campaign, person=r["person"], recommended_by=r["recommended_by"],
            recommended_on=r["recommended_on"], reason=r.get("reason") or "一线表现突出",
            case_id=cases.get(r["person"].pk), recorded_by=_actor_user(actor),
        )
        for r in rows
    ]  # fmt: skip
    FrontlineRecommendation.objects.bulk_create(recs, batch_size=2000)
    _bulk_records(actor, recs, "mobilization.frontlinerecommendation", "补录一线推荐")
    return len(recs)


# ---- 一线推荐、逐级审核 (seed 000) ------------------------------------------------------------------


def review_chain(campaign: Campaign) -> list[str]:
    """The campaign's review levels, in order (empty: the home org accepts)."""
    return [level for level in (campaign.review_levels or "").split(",") if level in ReviewLevel.values]


def clean_review_levels(value: str | list[str] | None) -> str:
    """Known levels in the given order, each once; an unknown one is refused."""
    levels = value if isinstance(value, list) else [v.strip() for v in (value or "").split(",") if v.strip()]
    unknown = [level for level in levels if level not in ReviewLevel.values]
    if unknown:
        raise ValidationError({"review_levels": [f"逐级审核层级无效：{'、'.join(unknown)}。"]})
    return ",".join(dict.fromkeys(levels))


def level_org(recommendation: FrontlineRecommendation, level: str) -> Org | None:
    """Who reviews at `level`: the person's branch, the nearest 基层党委 with approval authority
    above it, or the campaign's own org (the 组织部's committee)."""
    home = recommendation.person.org
    if level == ReviewLevel.BRANCH:
        return home
    if level == ReviewLevel.COMMITTEE:
        prefixes = [home.path[:end] for end in range(Org.steplen, len(home.path) + 1, Org.steplen)]
        return (
            Org.objects.filter(path__in=prefixes, kind="committee", has_approval_authority=True)
            .order_by("-depth")
            .first()
        )
    return recommendation.campaign.org


def review_status(recommendation: FrontlineRecommendation, reviews: list[FrontlineReview]) -> tuple[str, str]:
    """("returned", level) · ("pending", level) · ("agreed", "") · ("none", "") without a chain."""
    chain = review_chain(recommendation.campaign)
    if not chain:
        return "none", ""
    decided = {r.level: r.decision for r in reviews}
    for level in chain:
        if decided.get(level) == ReviewDecision.RETURN:
            return "returned", level
        if decided.get(level) != ReviewDecision.AGREE:
            return "pending", level
    return "agreed", ""


@transaction.atomic
def frontline_review(
    *,
    actor,
    recommendation: FrontlineRecommendation,
    decision: str,
    reason: str = "",
    on: dt.date | None = None,
) -> FrontlineReview:
    """One level agrees (the next level reviews; the last one opens the case at the home branch) or
    returns the recommendation with the reason."""
    rec = (
        FrontlineRecommendation.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__org", "person", "person__org")
        .get(pk=recommendation.pk)
    )
    on = on or _today()
    status, level = review_status(rec, list(rec.reviews.all()))
    if status == "none":
        raise ValidationError("本次动员的一线推荐不设逐级审核，由被推荐人所在党组织接收。")
    if rec.case_id is not None or status == "agreed":
        raise ValidationError(f"{rec.person.name}的推荐已审核完毕，转入发展程序。")
    if status == "returned":
        raise ValidationError(f"{rec.person.name}的推荐已被{ReviewLevel(level).label}退回。")
    org = level_org(rec, level)
    label = ReviewLevel(level).label
    if org is None:
        raise ValidationError(f"找不到{rec.person.name}的{label}，无法审核。")
    _require(actor, org, f"该推荐正待{label}（{org.name}）审核。")
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if decision not in ReviewDecision.values:
        _err(errors, "decision", "请选择“同意”或“退回”。")
    if decision == ReviewDecision.RETURN and not reason:
        _err(errors, "reason", "退回须写明理由。")
    if on < rec.recommended_on or on > _today():
        _err(errors, "on", f"审核日期应在推荐日期（{_d(rec.recommended_on)}）和今天之间。")
    _raise(errors)
    review = FrontlineReview.objects.create(
        recommendation=rec, level=level, org=org, decision=decision, reason=reason[:300], decided_on=on,
        decided_by=_actor_user(actor),
    )  # fmt: skip
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=rec,
        after={"审核层级": label, "审核意见": ReviewDecision(decision).label, "理由": reason},
        message="一线推荐逐级审核",
    )  # fmt: skip
    if decision == ReviewDecision.AGREE and review_status(rec, list(rec.reviews.all()))[0] == "agreed":
        _link_case(actor, rec)
    return review
