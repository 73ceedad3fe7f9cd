"""Meeting records (支委会, 支部党员大会, 党委会, …) with attendance, and one resolution per person.

Quorum and pass are never stored: they are computed from the counts (rules.py), so a corrected
count corrects the outcome. Writes go through services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.meetings import rules
from dangjian.meetings.choices import MeetingKind, Motion

__all__ = [
    "Attendance",
    "AttendanceStatus",
    "Meeting",
    "MeetingKind",
    "MeetingPurpose",
    "Motion",
    "Resolution",
]


def month_number(day) -> int:
    return day.year * 12 + day.month - 1 if day else 0


class Meeting(models.Model):
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("召开会议的党组织"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("会议类型"), max_length=32, choices=MeetingKind.choices)
    held_on = models.DateField(_("会议日期"))
    title = models.CharField(_("会议名称"), max_length=200, blank=True)
    topic = models.CharField(_("主题或议题"), max_length=300, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    lecturer = models.CharField(_("授课人"), max_length=60, blank=True)
    lecturer_is_secretary = models.BooleanField(_("由党组织书记讲授"), default=False)
    # The attendance list's totals, kept with the list (attendance_record): figures over a city's
    # year of meetings add these up instead of counting a million attendance rows.
    # year × 12 + month − 1 of held_on: periods of branch life (a month, a quarter, a year) are this
    # number divided in SQL, without a date function per row (SQLite's are Python callbacks).
    held_month = models.PositiveIntegerField(_("会议年月序号"), default=0, editable=False, db_index=True)
    listed_count = models.PositiveIntegerField(_("名单人数"), default=0, editable=False)
    present_count = models.PositiveIntegerField(_("出席人数"), default=0, editable=False)
    expected_voters = models.PositiveIntegerField(_("应到会有表决权人数"))
    present_voters = models.PositiveIntegerField(_("实到会有表决权人数"))
    written_opinions = models.PositiveIntegerField(
        _("提交书面意见人数"), default=0, help_text=_("未到会但会前提交书面意见的有表决权人数。")
    )
    online = models.BooleanField(_("视频会议"), default=False)
    chair = models.CharField(_("主持人"), max_length=60, blank=True)
    minutes = models.FileField(_("会议记录附件"), upload_to="meetings/%Y/", blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["org", "-held_on"], name="meeting_org_held_on")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(present_voters__lte=models.F("expected_voters")),
                name="meeting_present_lte_expected",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    written_opinions__lte=models.F("expected_voters") - models.F("present_voters")
                ),
                name="meeting_written_lte_absent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.display_title}"

    def save(self, *args, **kwargs):
        self.held_month = month_number(self.held_on)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "held_on" in update_fields:
            kwargs["update_fields"] = {*update_fields, "held_month"}
        super().save(*args, **kwargs)

    @property
    def display_title(self) -> str:
        return self.title or str(self.get_kind_display())

    @property
    def is_voting(self) -> bool:
        return rules.votes_required(self.kind)

    @property
    def quorum_met(self) -> bool:
        return rules.quorum_met(self.expected_voters, self.present_voters)

    @property
    def absent_voters(self) -> int:
        return self.expected_voters - self.present_voters

    @property
    def takes_decisions(self) -> bool:
        """Meetings that decide about people and so need the counts of voting members."""
        return self.kind in rules.DECISION_KINDS


class MeetingPurpose(models.Model):
    """A further kind of branch life this meeting also served as (a 支部党员大会 held as the month's
    主题党日 is recorded once, and counts for both)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="purposes")
    kind = models.CharField(_("同时作为"), max_length=32, choices=MeetingKind.choices)
    # The meeting's org and dates, copied (kept by the meeting services): the figures count a
    # purpose like a meeting of its kind without joining every meeting of the year.
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+", null=True)
    held_on = models.DateField(null=True)
    held_month = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("会议同时作为")
        verbose_name_plural = _("会议同时作为")
        constraints = [models.UniqueConstraint(fields=["meeting", "kind"], name="meeting_purpose_unique")]
        indexes = [
            models.Index(fields=["kind", "meeting"], name="meeting_purpose_kind"),
            models.Index(fields=["kind", "held_on"], name="meeting_purpose_kind_day"),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class Attendance(models.Model):
    """One person on a meeting's roster: present, on leave (with the reason) or absent.

    `is_voter` is whether the person had a vote on the meeting's date (a 正式党员): 预备党员 attend
    without a vote, so the counts of voting members are taken from these rows.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="attendances"
    )
    status = models.CharField(_("到会情况"), max_length=12, choices=AttendanceStatus.choices)
    reason = models.CharField(_("请假事由"), max_length=200, blank=True)
    is_voter = models.BooleanField(_("有表决权"), default=False)

    class Meta:
        verbose_name = _("到会情况")
        verbose_name_plural = _("到会情况")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once")]
        indexes = [models.Index(fields=["person", "meeting"], name="attendance_person")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_status_display()}"


class Resolution(models.Model):
    """One motion about one person at one meeting: discussed and voted on one by one."""

    Motion = Motion

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="resolutions"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="resolutions"
    )
    motion = models.CharField(_("表决事项"), max_length=32, choices=Motion.choices)
    yes = models.PositiveIntegerField(_("赞成票"), null=True, blank=True)
    no = models.PositiveIntegerField(_("反对票"), null=True, blank=True)
    abstain = models.PositiveIntegerField(_("弃权票"), null=True, blank=True)
    written_yes = models.PositiveIntegerField(
        _("书面意见赞成"), default=0, help_text=_("未到会的有表决权党员会前提交的书面意见，计入赞成票。")
    )
    written_no = models.PositiveIntegerField(_("书面意见反对"), default=0)
    written_abstain = models.PositiveIntegerField(_("书面意见弃权"), default=0)
    opinion = models.TextField(_("决议意见"), blank=True)
    secret_ballot = models.BooleanField(_("无记名投票"), default=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议决议")
        verbose_name_plural = _("会议决议")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person", "motion"], name="resolution_one_per_person_motion"
            )
        ]
        indexes = [models.Index(fields=["person", "motion"], name="resolution_person_motion")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_motion_display()}"

    @property
    def has_votes(self) -> bool:
        return self.yes is not None

    @property
    def yes_total(self) -> int:
        """Yes votes at the meeting plus the written opinions in favour from absent voters."""
        return (self.yes or 0) + self.written_yes

    @property
    def quorum_met(self) -> bool:
        return rules.quorum_met(self.meeting.expected_voters, self.meeting.present_voters)

    @property
    def meets_pass_threshold(self) -> bool:
        """R-PASS alone: yes_total > expected / 2 (False when no votes were recorded)."""
        return self.has_votes and rules.passed(self.meeting.expected_voters, self.yes_total)

    @property
    def passed(self) -> bool:
        """The motion carried: the meeting was quorate (R-QUORUM) and the vote passed (R-PASS)."""
        return self.quorum_met and self.meets_pass_threshold

    def findings(self) -> list[tuple[str, str, str]]:
        """(rule_id, severity, message) for R-QUORUM / R-PASS; empty when the resolution is sound."""
        meeting = self.meeting
        return rules.findings(
            kind=meeting.kind,
            motion=self.motion,
            expected=meeting.expected_voters,
            present=meeting.present_voters,
            yes=self.yes,
            written_yes=self.written_yes,
            secret_ballot=self.secret_ballot,
        )


MONTHS = range(1, 13)


class MeetingTally(models.Model):
    """One org's meetings of one kind in one year, as its kind or as one of its purposes: the months
    held as bits (bit m-1 for month m; `secretary_months`: the 党课 its secretary gave), how many in
    each month (`n1`…`n12`) and, on the row of the meeting's own kind, the attendance totals of each
    month (`listed1`…, `present1`…).

    Derived from the meetings and kept by the meeting services (tally.py), so the figures of a city
    for whole months read one row per org and kind instead of a year of meetings. `tally.rebuild`
    recomputes it; `tally.differences` compares it with a recount.
    """

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=32, choices=MeetingKind.choices)
    months = models.PositiveIntegerField(default=0)
    secretary_months = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("会议月度汇总")
        verbose_name_plural = _("会议月度汇总")
        constraints = [models.UniqueConstraint(fields=["org", "year", "kind"], name="meeting_tally_unique")]
        indexes = [models.Index(fields=["kind", "year"], name="meeting_tally_kind_year")]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year} {self.kind} {self.months:012b}"


TALLY_COUNTS = ("n", "listed", "present")
for _month in MONTHS:
    for _prefix in TALLY_COUNTS:
        MeetingTally.add_to_class(f"{_prefix}{_month}", models.PositiveIntegerField(default=0))
