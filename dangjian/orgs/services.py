"""Every write to the organization tree. Keyword-only, validated, in a transaction, recorded."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit import ledger
from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.audit.services import SYSTEM_ACTOR, actor_fields, record_change, record_changes, snapshot
from dangjian.base import hooks
from dangjian.orgs.models import (
    BRANCH_KINDS,
    COMMITTEE_KINDS,
    GROUP_KINDS,
    TEMPORARY_KINDS,
    Org,
    OrgKind,
    UnitType,
    subtree_q,
)

ORG_FIELDS = (
    "code", "name", "short_name", "kind", "unit_type", "has_approval_authority", "is_local_committee", "founded_on",
    "dissolved_on", "dissolved_reason",
)  # fmt: skip
EDITABLE_FIELDS = frozenset(
    {
        "code",
        "name",
        "short_name",
        "kind",
        "unit_type",
        "has_approval_authority",
        "is_local_committee",
        "founded_on",
    }
)


def placement_errors(
    *,
    kind: str,
    parent: Org | None,
    has_approval_authority: bool,
    is_local_committee: bool = False,
    allow_dissolved_parent: bool = False,
) -> list[str]:
    """The tree rules for an org of `kind` under `parent`, as messages in the active language.

    allow_dissolved_parent: an org already under a dissolved parent may still be edited.
    """
    errors: list[str] = []
    if kind not in OrgKind.values:
        return [_("组织类别无效。")]
    if is_local_committee and kind != OrgKind.COMMITTEE:
        errors.append(_("只有党委可以标记为地方党委。"))
    if is_local_committee and parent is not None and not parent.is_local_committee:
        errors.append(_("地方党委只能隶属于地方党委。"))
    if has_approval_authority and kind not in COMMITTEE_KINDS:
        if kind == OrgKind.GENERAL_BRANCH:
            errors.append(_("党总支不能具有审批权限：党总支只能审查，不能审批发展党员。"))
        else:
            errors.append(
                _("%(kind)s不能具有审批权限，只有党委（党工委）可以审批发展党员。")
                % {"kind": OrgKind(kind).label}
            )
    if parent is None:
        if kind in GROUP_KINDS or kind in BRANCH_KINDS:
            errors.append(_("党支部、党小组必须隶属于上级党组织。"))
        return errors
    if not parent.is_active and not allow_dissolved_parent:
        errors.append(_("上级党组织“%(name)s”已撤销，不能在其下设立或转入组织。") % {"name": parent.name})
    if parent.kind in GROUP_KINDS:
        errors.append(_("党小组下不能再设下级组织。"))
    elif parent.kind in BRANCH_KINDS and kind not in GROUP_KINDS:
        errors.append(
            _("%(parent_kind)s下只能设党小组，不能设%(kind)s。")
            % {"parent_kind": parent.get_kind_display(), "kind": OrgKind(kind).label}
        )
    elif parent.kind == OrgKind.GENERAL_BRANCH and kind not in BRANCH_KINDS:
        errors.append(_("党总支下只能设党支部，不能设%(kind)s。") % {"kind": OrgKind(kind).label})
    if kind in GROUP_KINDS and parent.kind not in BRANCH_KINDS:
        errors.append(_("党小组只能设在党支部（联合党支部、临时党支部）下。"))
    if parent.kind in TEMPORARY_KINDS and kind not in TEMPORARY_KINDS:
        errors.append(_("临时党组织下只能设临时党组织。"))
    return errors


def _children_errors(org: Org, kind: str) -> list[str]:
    children = list(
        Org.objects.get_children(org).filter(dissolved_on__isnull=True).values_list("kind", flat=True)
    )
    if kind in TEMPORARY_KINDS:
        # The same rules as placement_errors and _check_org, seen from the org being changed.
        if _active_people_count(org) > 0:
            return [_("该组织有在册人员，不能改为临时党组织：临时党组织成员保留原组织关系。")]
        if any(k not in TEMPORARY_KINDS for k in children):
            return [_("该组织有非临时的下级组织，不能改为临时党组织。")]
    if not children:
        return []
    if kind in GROUP_KINDS:
        return [_("该组织有下级组织，不能改为党小组。")]
    if kind in BRANCH_KINDS and any(k not in GROUP_KINDS for k in children):
        return [_("该组织有党小组以外的下级组织，不能改为党支部。")]
    if kind == OrgKind.GENERAL_BRANCH and any(k not in BRANCH_KINDS for k in children):
        return [_("该组织有党支部以外的下级组织，不能改为党总支。")]
    return []


def _clean_common(
    *, code: str, name: str, unit_type: str, founded_on: dt.date | None, exclude_pk=None
) -> dict:
    errors: dict[str, list[str]] = {}
    code = (code or "").strip()
    name = (name or "").strip()
    if not code:
        errors.setdefault("code", []).append(_("请填写组织代码。"))
    elif not all(ch.isalnum() or ch in "-_" for ch in code):
        errors.setdefault("code", []).append(_("组织代码只能包含字母、数字、“-”和“_”。"))
    elif Org.objects.filter(code=code).exclude(pk=exclude_pk).exists():
        errors.setdefault("code", []).append(_("组织代码“%(code)s”已被使用。") % {"code": code})
    if not name:
        errors.setdefault("name", []).append(_("请填写组织名称。"))
    if unit_type not in UnitType.values:
        errors.setdefault("unit_type", []).append(_("单位类型无效。"))
    if founded_on and founded_on > timezone.localdate():
        errors.setdefault("founded_on", []).append(_("成立日期不能晚于今天。"))
    return errors


@transaction.atomic
def org_create(
    *,
    actor,
    parent: Org | None,
    code: str,
    name: str,
    kind: str,
    unit_type: str = UnitType.OTHER,
    has_approval_authority: bool = False,
    is_local_committee: bool = False,
    founded_on: dt.date | None = None,
    short_name: str = "",
) -> Org:
    if parent is None:
        if not (actor is None or actor.is_superuser):
            raise PermissionDenied(_("只有系统管理员可以建立顶层党组织。"))
    else:
        parent = Org.objects.select_for_update().get(pk=parent.pk)
        if actor is not None:
            scope.require(actor, Action.CHANGE_ORG, parent, _("您无权在该党组织下设立组织。"))
    errors = _clean_common(code=code, name=name, unit_type=unit_type, founded_on=founded_on)
    placement = placement_errors(
        kind=kind, parent=parent, has_approval_authority=has_approval_authority,
        is_local_committee=is_local_committee,
    )  # fmt: skip
    if placement:
        errors.setdefault("kind", []).extend(placement)
    if errors:
        raise ValidationError(errors)
    fields = dict(
        code=code.strip(), name=name.strip(), short_name=short_name.strip(), kind=kind, unit_type=unit_type,
        has_approval_authority=has_approval_authority, is_local_committee=is_local_committee, founded_on=founded_on,
    )  # fmt: skip
    org = (
        Org.objects.add_root(create_kwargs=fields)
        if parent is None
        else Org.objects.add_child(parent, create_kwargs=fields)
    )
    record_change(actor=actor, action=ChangeAction.CREATE, obj=org, after=snapshot(org, ORG_FIELDS))
    return org


@transaction.atomic
def org_update(*, actor, org: Org, **changes) -> Org:
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(
            _("不能直接修改这些字段：%(fields)s。") % {"fields": "、".join(sorted(unknown))}
        )
    org = Org.objects.select_for_update().get(pk=org.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_ORG, org, _("您无权修改该党组织。"))
    before = snapshot(org, ORG_FIELDS)
    old_unit_type = org.unit_type
    for key, value in changes.items():
        setattr(org, key, value.strip() if isinstance(value, str) else value)
    errors = _clean_common(
        code=org.code, name=org.name, unit_type=org.unit_type, founded_on=org.founded_on, exclude_pk=org.pk
    )
    parent = Org.objects.get_parent(org)
    placement = placement_errors(
        kind=org.kind, parent=parent, has_approval_authority=org.has_approval_authority,
        is_local_committee=org.is_local_committee, allow_dissolved_parent=True,
    ) + _children_errors(org, org.kind)  # fmt: skip
    if placement:
        errors.setdefault("kind", []).extend(placement)
    if errors:
        raise ValidationError(errors)
    org.save()
    if org.unit_type != old_unit_type:
        hooks.unit_type_changed(org, old_unit_type)
    after = snapshot(org, ORG_FIELDS)
    if after != before:
        record_change(actor=actor, action=ChangeAction.UPDATE, obj=org, before=before, after=after)
    return org


@transaction.atomic
def org_move(*, actor, org: Org, new_parent: Org) -> Org:
    """Move an org and its whole subtree under `new_parent`, in one transaction."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    new_parent = Org.objects.select_for_update().get(pk=new_parent.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_ORG, org, _("您无权调整该党组织的隶属关系。"))
        scope.require(actor, Action.CHANGE_ORG, new_parent, _("您无权把党组织转入目标上级组织。"))
    if new_parent.path.startswith(org.path):
        raise ValidationError(_("不能把党组织移到它自己或它的下级组织之下。"))
    old_parent = Org.objects.get_parent(org)
    if old_parent is not None and old_parent.pk == new_parent.pk:
        raise ValidationError(_("该组织已经隶属于所选上级组织。"))
    errors = placement_errors(
        kind=org.kind, parent=new_parent, has_approval_authority=org.has_approval_authority
    )
    if errors:
        raise ValidationError(errors)
    moved_totals = _subtree_totals(org)
    _shift_counts(moved_totals, org.path, sign=-1)
    old_path = org.path
    Org.objects.move(org, new_parent, "sorted-child" if Org.node_order_by else "last-child")
    org.refresh_from_db()
    # treebeard rewrites the subtree's paths with one UPDATE (no signals): seal the new paths.
    ledger.seal_rows(model=Org, pks=Org.objects.filter(subtree_q(org.path)).values_list("pk", flat=True))
    _shift_counts(moved_totals, org.path, sign=+1)
    hooks.subtree_moved(org, old_path, org.path)
    if actor is not None and not scope.can(actor, Action.CHANGE_ORG, org):
        raise PermissionDenied(_("移动后该组织不在您的管理范围内，操作已撤销。"))
    record_change(
        actor=actor,
        action=ChangeAction.MOVE,
        obj=org,
        before={gettext_noop("上级党组织"): str(old_parent) if old_parent else None},
        after={gettext_noop("上级党组织"): str(new_parent)},
    )
    return org


def _subtree_totals(org: Org) -> list[tuple[str, str, int]]:
    from dangjian.people.models import SubtreeCount

    return list(SubtreeCount.objects.filter(org=org, n__gt=0).values_list("standing", "category", "n"))


def _shift_counts(totals: list[tuple[str, str, int]], path: str, *, sign: int) -> None:
    """Add (or remove) a moved subtree's people to the counts of its ancestors above it."""
    from collections import Counter

    from dangjian.people import counts

    ancestors = [p for p in counts.ancestor_paths(path) if p != path]
    ids = dict(Org.objects.filter(path__in=ancestors).values_list("path", "id"))
    deltas: Counter = Counter()
    for standing, category, n in totals:
        for p in ancestors:
            deltas[(ids[p], standing, category)] += sign * n
    counts.apply(deltas)


def _active_people_count(org: Org) -> int:
    from dangjian.people.models import Person

    return Person.objects.filter(org=org, reduction="").count()


def _dissolve_errors(
    org: Org, dissolved_on: dt.date, reason: str, *, live_children: bool, people: int
) -> list[str]:
    errors: list[str] = []
    if not org.is_active:
        errors.append(_("该党组织已经撤销。"))
    if not (reason or "").strip():
        errors.append(_("请填写撤销原因。"))
    if dissolved_on > timezone.localdate():
        errors.append(_("撤销日期不能晚于今天。"))
    if org.founded_on and dissolved_on < org.founded_on:
        errors.append(_("撤销日期不能早于成立日期。"))
    if live_children:
        errors.append(_("该组织还有未撤销的下级组织，请先撤销或转移下级组织。"))
    if people > 0:
        errors.append(_("该组织还有%(n)d名在册人员，请先转移组织关系。") % {"n": people})
    return errors


@transaction.atomic
def org_dissolve(*, actor, org: Org, dissolved_on: dt.date, reason: str) -> Org:
    org = Org.objects.select_for_update().get(pk=org.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_ORG, org, _("您无权撤销该党组织。"))
    errors = _dissolve_errors(
        org, dissolved_on, reason, live_children=Org.objects.get_children(org).filter(dissolved_on__isnull=True).exists(),
        people=_active_people_count(org),
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    before = snapshot(org, ORG_FIELDS)
    org.dissolved_on = dissolved_on
    org.dissolved_reason = reason.strip()
    org.save(update_fields=["dissolved_on", "dissolved_reason", "updated_at"])
    record_change(
        actor=actor, action=ChangeAction.DISSOLVE, obj=org, before=before, after=snapshot(org, ORG_FIELDS)
    )
    return org


@transaction.atomic
def orgs_dissolve(*, actor, plans: list[tuple[Org, dt.date]], reason: str) -> int:
    """Dissolve many orgs at once (a campaign's temporary orgs when it ends), all or nothing, with
    org_dissolve's checks: a child dissolved in the same call no longer holds its parent back. One
    UPDATE per date, the rows sealed and a change-log entry for each org, in one batch."""
    from dangjian.people.models import Person

    dates = {org.pk: on for org, on in plans}
    orgs = list(Org.objects.select_for_update().filter(pk__in=list(dates)).order_by("pk"))
    paths = {o.path for o in orgs}
    live_children = {
        path[: -Org.steplen]
        for path in Org.objects.filter(dissolved_on__isnull=True, depth__gt=1)
        .filter(models.Q(*[subtree_q(p) for p in sorted(paths)], _connector=models.Q.OR))
        .values_list("path", flat=True)
        if path not in paths
    } if paths else set()  # fmt: skip
    people = dict(
        Person.objects.filter(org_id__in=list(dates), reduction="")
        .values_list("org_id")
        .annotate(n=Count("id"))
    )
    errors = []
    for org in orgs:
        if actor is not None and not scope.can(actor, Action.CHANGE_ORG, org):
            errors.append(f"{org.name}：{_('您无权撤销该党组织。')}")
        for message in _dissolve_errors(
            org, dates[org.pk], reason, live_children=org.path in live_children, people=people.get(org.pk, 0)
        ):
            errors.append(f"{org.name}：{message}")
    if errors:
        raise ValidationError(errors[:50])
    now, reason = timezone.now(), reason.strip()
    befores = {org.pk: snapshot(org, ORG_FIELDS) for org in orgs}
    by_date: dict[dt.date, list[int]] = {}
    for org in orgs:
        by_date.setdefault(dates[org.pk], []).append(org.pk)
        org.dissolved_on, org.dissolved_reason, org.updated_at = dates[org.pk], reason, now
    for on, ids in by_date.items():
        Org.objects.filter(pk__in=ids).update(dissolved_on=on, dissolved_reason=reason, updated_at=now)
    ledger.seal_rows(model=Org, pks=list(dates))  # QuerySet.update sends no signals
    record_changes(
        records=[
            ChangeRecord(
                **actor_fields(actor), action=ChangeAction.DISSOLVE, object_type=Org._meta.label_lower,
                object_id=org.pk, object_repr=str(org)[:200], before=befores[org.pk], after=snapshot(org, ORG_FIELDS),
            )
            for org in orgs
        ]
    )  # fmt: skip
    return len(orgs)


@transaction.atomic
def org_delete(*, actor, org: Org) -> None:
    """Delete an org entered by mistake. An org with people or sub-orgs is dissolved instead."""
    from dangjian.people.models import Person

    org = Org.objects.select_for_update().get(pk=org.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_ORG, org, _("您无权删除该党组织。"))
    if (
        Org.objects.filter(subtree_q(org.path)).exclude(pk=org.pk).exists()
        or Person.objects.filter(org=org).exists()
    ):
        raise ValidationError(_("该组织已有人员或下级组织记录，只能撤销，不能删除。"))
    record_change(actor=actor, action=ChangeAction.DELETE, obj=org, before=snapshot(org, ORG_FIELDS))
    org.delete()


@transaction.atomic
def org_tree_bulk_create(*, actor, parent: Org | None, nodes: list[dict], batch_size: int = 2000) -> int:
    """Create a whole subtree at once (demo data, imports), all or nothing, with the tree rules.

    `nodes` are dicts of org fields plus an optional "children" list. Paths are computed here, so
    thousands of orgs cost a few bulk inserts instead of one locked add_child each.
    """
    from dangjian.audit.models import ChangeRecord

    if parent is not None:
        parent = Org.objects.select_for_update().get(pk=parent.pk)
        if actor is not None:
            scope.require(actor, Action.CHANGE_ORG, parent, _("您无权在该党组织下设立组织。"))
    elif actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("只有系统管理员可以建立顶层党组织。"))
    created: list[Org] = []
    errors: list[str] = []
    codes: set[str] = set()

    def walk(children: list[dict], under: Org | None, first_step: int) -> int:
        for offset, node in enumerate(children):
            fields = {k: v for k, v in node.items() if k != "children"}
            kind = fields.get("kind", "")
            problems = placement_errors(
                kind=kind, parent=under, has_approval_authority=fields.get("has_approval_authority", False),
                is_local_committee=fields.get("is_local_committee", False),
            )  # fmt: skip
            code = fields.get("code", "")
            if code in codes:
                problems.append(_("组织代码“%(code)s”重复。") % {"code": code})
            codes.add(code)
            errors.extend(
                _("%(name)s：%(problem)s") % {"name": fields.get("name", code), "problem": p}
                for p in problems
            )
            depth = 1 if under is None else under.depth + 1
            org = Org(
                path=Org._get_path(under.path if under else "", depth, first_step + offset),
                depth=depth,
                numchild=len(node.get("children") or []),
                **fields,
            )
            org.fill_pinyin()  # bulk_create does not call save()
            created.append(org)
            walk(node.get("children") or [], org, 1)
        return len(children)

    # Continue after the last existing child's step: numchild alone collides with a sibling's
    # path once a child has been moved away or deleted (the remaining siblings keep their paths).
    siblings = Org.objects.filter(depth=parent.depth + 1 if parent else 1)
    if parent is not None:
        siblings = siblings.filter(subtree_q(parent.path))
    last = siblings.order_by("-path").values_list("path", flat=True).first()
    start = (Org._str2int(last[-Org.steplen :]) if last else 0) + 1
    added = walk(nodes, parent, start)
    taken = set()
    code_list = list(codes)
    for i in range(0, len(code_list), 900):
        taken.update(Org.objects.filter(code__in=code_list[i : i + 900]).values_list("code", flat=True))
    errors.extend(_("组织代码“%(code)s”已被使用。") % {"code": c} for c in sorted(taken))
    if errors:
        raise ValidationError(errors[:100])
    Org.objects.bulk_create(created, batch_size=batch_size)
    if parent is not None:
        Org.objects.filter(pk=parent.pk).update(numchild=parent.numchild + added)  # numchild is not sealed
    # bulk_create sends no signals: the new rows are sealed here (see audit/ledger.py).
    ledger.seal_rows(model=Org, pks=[o.pk for o in created])
    actor_name = (actor.get_full_name() or actor.username) if actor is not None else SYSTEM_ACTOR
    record_changes(
        records=[
            ChangeRecord(
                actor=actor, actor_name=actor_name, action=ChangeAction.CREATE, object_type="orgs.org",
                object_id=o.pk, object_repr=o.name, after=snapshot(o, ORG_FIELDS), message=gettext_noop("批量建立"),
            )
            for o in created
        ],
    )  # fmt: skip
    return len(created)
