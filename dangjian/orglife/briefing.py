"""Branch life in the work briefing: the meetings held in the period by kind, and attendance."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from dangjian.meetings.models import MeetingKind
from dangjian.orglife import figures

K = MeetingKind
TOLD = (  # (kind, verb, label): the order of the sentence
    (K.BRANCH_GENERAL, "召开", "支部党员大会"), (K.BRANCH_COMMITTEE, "召开", "支部委员会会议"),
    (K.PARTY_GROUP, "召开", "党小组会"), (K.THEMED_DAY, "开展", "主题党日"), (K.PARTY_LECTURE, "讲授", "党课"),
    (K.LIFE_MEETING, "召开", "组织生活会"),
)  # fmt: skip


def section(org, period) -> tuple[str, list]:
    today = timezone.localdate()
    counts = figures.meetings_by_kind(org, period.start, period.end, today)
    present, listed, _by_org = figures.attendance(org, period.start, period.end, today=today)
    url = reverse("meeting-list", args=[org.pk])
    rows = [
        (f"meetings_{kind}", f"{label}（次）", counts.get(kind, 0),
         f"{url}?{urlencode({'subtree': 1, 'kind': kind, 'from': period.start, 'to': period.end})}")
        for kind, _verb, label in TOLD
    ]  # fmt: skip
    rows.append(
        ("attendance_present", "组织生活出席（人次）", present,
         f"{url}?{urlencode({'subtree': 1, 'from': period.start, 'to': period.end})}")
    )  # fmt: skip
    parts = [f"{verb}{label}{counts[kind]}次" for kind, verb, label in TOLD if counts.get(kind)]
    if not parts:
        return "", rows
    text = f"期间，{org.name}各级党组织坚持“三会一课”制度，" + "、".join(parts)
    if listed:
        text += f"，登记到会{listed}人次，出席{present}人次，到会率{100 * present / listed:.1f}%"
    return text + "。", rows
