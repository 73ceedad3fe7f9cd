"""What branch life adds to the org page: the committee and its secretary, 换届 and branch size."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.accounts import scope
from dangjian.accounts.models import Action
from dangjian.base.panels import Panel
from dangjian.orglife import reminders
from dangjian.orglife.selectors import committee_on, secretary_of
from dangjian.orgs.models import BRANCH_KINDS, GROUP_KINDS


def _committee_context(request, org, page):
    if org.kind in GROUP_KINDS or org.is_temporary or org.is_local_committee:
        return None
    today = timezone.localdate()
    committee = committee_on(org, today)
    cache = reminders.RuleCache(today)
    rules = cache.rules(org)
    hints = []
    term = []
    if org.kind in BRANCH_KINDS:
        full, members = reminders.member_counts([org.pk]).get(org.pk, (0, 0))
        facts = reminders.OrgFacts(org, full, members)
        hints = [
            _(msgid) % params
            for _s, msgid, params in reminders.size_hints(org, facts, committee is not None, rules)
        ]
    if committee is not None:
        term = [_(msgid) % params for _s, msgid, params in reminders.term_hints(committee, rules, today)]
    return {
        "org": org, "committee": committee, "secretary": secretary_of(committee), "hints": hints, "term": term,
        "members": list(committee.members.all()) if committee else [],
        "can_change": org.is_active and scope.can(request.user, Action.CHANGE_PERSON, org),
    }  # fmt: skip


ORG_COMMITTEE = Panel("orglife-committee", "orglife/panels/committee.html", _committee_context, order=15)
ORG_LINK = Panel(
    "orglife-link",
    "orglife/panels/org_link.html",
    lambda request, org, page: {"org": org} if not org.is_temporary else None,
    place="actions",
    order=21,
)


def _stats_context(request, org, page):
    period = page.get("period")
    if period is None:
        return None
    return {"org": org, "start": period.start, "end": period.end}


# On the statistics page: the branch-life figures of the same org and period, loaded after the page
# (they are computed over every branch of the subtree) so the statistics themselves are not delayed.
STATS_CARD = Panel("orglife-stats", "orglife/panels/stats_card.html", _stats_context, order=50)
