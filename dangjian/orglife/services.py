"""Every write of branch life kept here: electing a committee (换届) and undoing one entered by mistake.

Keyword-only, validated, in a transaction, recorded in the change log. Lock order: the org's
committees (select_for_update on the org's current committee), then the reminders of that org.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change
from dangjian.development import due
from dangjian.development.services import rule_in_force
from dangjian.meetings.models import Meeting, MeetingKind
from dangjian.meetings.rules import passed
from dangjian.orglife import reminders
from dangjian.orglife.models import Committee, CommitteeMember, Post
from dangjian.orgs.models import BRANCH_KINDS, GROUP_KINDS, Org, OrgKind, UnitType
from dangjian.people.membership import full_member_on
from dangjian.people.models import Person
from dangjian.workcal.calendar import add_years

# A branch committee has at most 7 members (支部工作条例第九条: 一般不超过7人); a 党委 more.
MAX_MEMBERS = {"branch": 7, "other": 15}
ELECTING_KINDS = frozenset({MeetingKind.BRANCH_GENERAL})


def term_years_for(org: Org, on: dt.date, active=None) -> int:
    params = rule_in_force(org, "R-TERM", on, active).params
    village = org.unit_type in (UnitType.VILLAGE, UnitType.COMMUNITY)
    return int(params["village_years"] if village else params["other_years"])


def _snapshot(committee: Committee) -> dict:
    members = committee.members.select_related("person").order_by("id")
    return {
        "选举日期": f"{committee.elected_on:%Y-%m-%d}",
        "任期（年）": committee.term_years,
        "任期届满日期": f"{committee.term_ends_on:%Y-%m-%d}",
        "选举会议": str(committee.election_meeting) if committee.election_meeting_id else "",
        "委员": "、".join(
            f"{m.person.name}（{Post(m.post).label}{'' if m.votes is None else f'，{m.votes}票'}）"
            for m in members
        ),
    }


def _member_errors(
    org: Org, elected_on: dt.date, members: list[tuple[Person, str, int | None]], meeting: Meeting | None
) -> list[str]:
    problems: list[str] = []
    if not members:
        return [_("请至少登记一名委员（书记）。")]
    limit = MAX_MEMBERS["branch" if org.kind in BRANCH_KINDS else "other"]
    if len(members) > limit:
        problems.append(_("委员会成员不能超过%(n)d人，现登记%(m)d人。") % {"n": limit, "m": len(members)})
    seen: set[int] = set()
    for person, post, votes in members:
        if person.pk in seen:
            problems.append(_("“%(name)s”登记了两次。") % {"name": person.name})
        seen.add(person.pk)
        if post not in Post.values:
            problems.append(_("请为“%(name)s”选择职务。") % {"name": person.name})
        if not person.org.path.startswith(org.path):
            problems.append(_("“%(name)s”不是“%(org)s”的党员。") % {"name": person.name, "org": org.name})
        elif not full_member_on(person, elected_on):
            problems.append(_("“%(name)s”在选举日期不是正式党员，不能当选委员。") % {"name": person.name})
        if votes is not None and meeting is not None:
            if votes > meeting.present_voters:
                problems.append(
                    _("“%(name)s”得%(votes)d票，多于实到会有选举权人数%(present)d人。")
                    % {"name": person.name, "votes": votes, "present": meeting.present_voters}
                )
            elif not passed(meeting.expected_voters, votes):
                problems.append(
                    _("“%(name)s”得%(votes)d票，未超过应到会有选举权人数%(expected)d人的半数，不能当选。")
                    % {"name": person.name, "votes": votes, "expected": meeting.expected_voters}
                )
    secretaries = sum(1 for _p, post, _v in members if post == Post.SECRETARY)
    if secretaries != 1:
        problems.append(_("委员会应有且只有一名书记，现登记%(n)d名。") % {"n": secretaries})
    return problems


@transaction.atomic
def committee_elect(
    *,
    actor,
    org: Org,
    elected_on: dt.date,
    members: Iterable[tuple[Person, str, int | None]],
    election_meeting: Meeting | None = None,
    term_years: int | None = None,
    notes: str = "",
) -> Committee:
    """Record the committee elected on `elected_on` (换届); the committee before it ends that day.

    `members`: (person, post, votes or None). With the election meeting, each member's votes must
    exceed half of the voting members expected (as any vote, 细则第二十一条 by analogy) and the
    meeting must be the org's 党员大会 held that day.
    """
    org = Org.objects.get(pk=org.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, org, _("您无权为该党组织登记委员会。"))
    members = [
        (Person.objects.select_related("org").get(pk=p.pk), str(post), votes) for p, post, votes in members
    ]
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not org.is_active:
        add(NON_FIELD_ERRORS, _("“%(name)s”已撤销。") % {"name": org.name})
    if org.kind in GROUP_KINDS or org.is_temporary:
        add(NON_FIELD_ERRORS, _("党小组和临时党组织不选举委员会。"))
    if org.kind == OrgKind.COMMITTEE and org.is_local_committee:
        add(NON_FIELD_ERRORS, _("地方党委的委员会由党代表大会选举，不在此登记。"))
    today = timezone.localdate()
    if elected_on > today:
        add("elected_on", _("选举日期不能晚于今天。"))
    current = Committee.objects.select_for_update().filter(org=org, ended_on__isnull=True).first()
    if current is not None and elected_on <= current.elected_on:
        add(
            "elected_on",
            _("选举日期应晚于本届委员会的选举日期（%(date)s）。")
            % {"date": f"{current.elected_on:%Y-%m-%d}"},
        )
    if election_meeting is not None:
        election_meeting = Meeting.objects.get(pk=election_meeting.pk)
        if election_meeting.org_id != org.pk or election_meeting.kind not in ELECTING_KINDS:
            add("election_meeting", _("选举会议应是本组织召开的党员大会。"))
        elif election_meeting.held_on != elected_on:
            add("election_meeting", _("选举会议的日期应与选举日期一致。"))
        elif not election_meeting.quorum_met:
            add("election_meeting", _("选举会议到会人数未超过应到会人数的半数，选举无效。"))
    if term_years is None:
        term_years = term_years_for(org, elected_on)
    if not 1 <= int(term_years) <= 5:
        add("term_years", _("任期应为1至5年。"))
    meeting_ok = election_meeting if "election_meeting" not in errors else None
    for problem in _member_errors(org, elected_on, members, meeting_ok):
        add("members", problem)
    if errors:
        raise ValidationError(errors)
    if current is not None:
        current.ended_on = elected_on
        current.save(update_fields=["ended_on"])
    committee = Committee.objects.create(
        org=org, elected_on=elected_on, term_years=int(term_years),
        term_ends_on=add_years(elected_on, int(term_years)), election_meeting=election_meeting,
        notes=(notes or "").strip(), created_by=actor if actor is not None and actor.pk else None,
    )  # fmt: skip
    CommitteeMember.objects.bulk_create(
        [CommitteeMember(committee=committee, person=p, post=post, votes=votes) for p, post, votes in members]
    )
    record_change(actor=actor, action=ChangeAction.CREATE, obj=committee, after=_snapshot(committee))
    due.refresh_orgs(reminders.SOURCE, [org.pk])
    return committee


@transaction.atomic
def committee_delete(*, actor, committee: Committee) -> None:
    """Remove the newest committee of an org entered by mistake; the one before it is current again."""
    committee = Committee.objects.select_for_update().select_related("org").get(pk=committee.pk)
    if actor is not None:
        scope.require(actor, Action.CHANGE_PERSON, committee.org, _("您无权修改该党组织的委员会。"))
    if committee.ended_on is not None:
        raise ValidationError(_("只能删除本届（最新一届）委员会的误录记录。"))
    before = _snapshot(committee)
    previous = Committee.objects.filter(org=committee.org, ended_on=committee.elected_on).first()
    record_change(actor=actor, action=ChangeAction.DELETE, obj=committee, before=before)
    committee.delete()
    if previous is not None:
        previous.ended_on = None
        previous.save(update_fields=["ended_on"])
    due.refresh_orgs(reminders.SOURCE, [committee.org_id])


def committees_bulk_record(*, actor, committees: list[dict], log_message: str) -> int:
    """Record many current committees at once (demo data, imports), all or nothing.

    Each dict: org, elected_on, members [(person, post)]; the term comes from the rule set. The same
    rules as committee_elect on the members (full members on the day, one secretary, the size)."""
    from dangjian.base.bulk import insert_rows
    from dangjian.development.models import RuleSet

    problems: list[str] = []
    rows = []
    active = list(RuleSet.objects.filter(is_active=True).select_related("org"))
    people = Person.objects.select_related("org").in_bulk(
        [p.pk for spec in committees for p, _post in spec["members"]]
    )
    for spec in committees:
        org, elected_on = spec["org"], spec["elected_on"]
        members = [(people[p.pk], post, None) for p, post in spec["members"]]
        for problem in _member_errors(org, elected_on, members, None):
            problems.append(f"{org.name}：{problem}")
        years = term_years_for(org, elected_on, active)
        rows.append((spec, years))
        if len(problems) > 20:
            break
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        created = Committee.objects.bulk_create(
            [
                Committee(
                    org=spec["org"], elected_on=spec["elected_on"], term_years=years,
                    term_ends_on=add_years(spec["elected_on"], years),
                )
                for spec, years in rows
            ],
            batch_size=2000,
        )  # fmt: skip
        insert_rows(
            CommitteeMember,
            [
                CommitteeMember(committee_id=c.pk, person_id=p.pk, post=post)
                for c, (spec, _y) in zip(created, rows, strict=True)
                for p, post in spec["members"]
            ],
        )
        if created:
            record_change(
                actor=actor, action=ChangeAction.CREATE, obj=created[0],
                after={"委员会": f"{len(created)}个"}, message=log_message,
            )  # fmt: skip
    return len(created)
