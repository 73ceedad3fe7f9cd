"""Vanguard posts and responsibility zones."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change, snapshot
from dangjian.orgs.models import Org
from dangjian.people.models import Person

from ..models import Campaign, Post, PostKind
from ._common import (
    BulkError,
    _bulk_records,
    _bulk_scope,
    _check_org,
    _check_period,
    _check_visible,
    _d,
    _err,
    _fresh,
    _insert_with_ids,
    _is_member,
    _lock,
    _not_member,
    _raise,
    _require,
    _require_active,
)

POST_FIELDS = ("name", "kind", "org", "place", "duties", "holder", "starts_on", "ends_on")


# ---- vanguard posts and responsibility zones ---------------------------------------------------


@transaction.atomic
def post_create(
    *,
    actor,
    campaign: Campaign,
    org: Org,
    kind: str,
    name: str,
    place: str,
    holder: Person,
    starts_on: dt.date,
    duties: str = "",
    ends_on: dt.date | None = None,
) -> Post:
    campaign = _lock(campaign)
    _require_active(campaign, "设岗定责")
    org = Org.objects.get(pk=org.pk) if org is not None else None
    if org is not None:
        _require(actor, org, "您无权为该党组织设立先锋岗或责任区。")
    errors: dict[str, list[str]] = {}
    _check_org(errors, "org", campaign, org)
    if kind not in PostKind.values:
        _err(errors, "kind", "请选择党员先锋岗或党员责任区。")
    name, place = (name or "").strip(), (place or "").strip()
    if not name:
        _err(errors, "name", "请填写名称。")
    if not place:
        _err(errors, "place", "请填写地点或责任范围。")
    holder = _fresh(holder) if holder is not None else None
    if holder is None:
        _err(errors, "holder", "请选择责任党员。")
    elif not _is_member(holder, starts_on):
        _err(errors, "holder", f"{_not_member(holder, starts_on)}先锋岗、责任区由党员承担。")
    _check_period(errors, "starts_on", campaign, starts_on, "设立日期", future=True)
    if ends_on and starts_on and ends_on < starts_on:
        _err(errors, "ends_on", "结束日期不能早于设立日期。")
    _raise(errors)
    _check_visible(actor, campaign, [holder])
    post = Post.objects.create(
        campaign=campaign, org=org, kind=kind, name=name, place=place, duties=(duties or "").strip(),
        holder=holder, starts_on=starts_on, ends_on=ends_on,
    )  # fmt: skip
    record_change(actor=actor, action=ChangeAction.CREATE, obj=post, after=snapshot(post, POST_FIELDS))
    return post


@transaction.atomic
def post_end(*, actor, post: Post, ends_on: dt.date) -> Post:
    post = Post.objects.select_related("org").get(pk=post.pk)
    _require(actor, post.org, "您无权调整该先锋岗或责任区。")
    if ends_on is None or ends_on < post.starts_on:
        raise ValidationError({"ends_on": [f"结束日期不能早于设立日期（{_d(post.starts_on)}）。"]})
    before = snapshot(post, POST_FIELDS)
    post.ends_on = ends_on
    post.save(update_fields=["ends_on"])
    record_change(
        actor=actor, action=ChangeAction.UPDATE, obj=post, before=before, after=snapshot(post, POST_FIELDS)
    )
    return post


@transaction.atomic
def posts_bulk_create(*, actor, campaign: Campaign, rows: list[dict[str, Any]]) -> int:
    """Many posts and zones at once. Row: org, kind, name, place, holder, starts_on, duties?."""
    campaign = _lock(campaign)
    _require_active(campaign, "设岗定责")
    problems = _bulk_scope(actor, [r["org"] for r in rows])
    for i, row in enumerate(rows, start=1):
        errors: dict[str, list[str]] = {}
        _check_org(errors, "org", campaign, row["org"])
        if row["kind"] not in PostKind.values:
            _err(errors, "kind", "类别无效。")
        if not _is_member(row["holder"], row["starts_on"]):
            _err(errors, "holder", _not_member(row["holder"], row["starts_on"]))
        _check_period(errors, "starts_on", campaign, row["starts_on"], "设立日期", future=True)
        problems += [f"第{i}行（{row['name']}）：{m}" for ms in errors.values() for m in ms]
    if problems:
        raise BulkError(problems)
    posts = [
        Post(campaign=campaign, org=r["org"], kind=r["kind"], name=r["name"], place=r["place"],
             duties=r.get("duties", ""), holder=r["holder"], starts_on=r["starts_on"], ends_on=r.get("ends_on"))
        for r in rows
    ]  # fmt: skip
    _insert_with_ids(Post, posts, campaign=campaign)
    _bulk_records(actor, posts, "mobilization.post", "批量设岗定责")
    return len(posts)
