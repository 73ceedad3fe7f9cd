"""The meeting kinds and the motions a meeting may decide about one person."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    BRANCH_COMMITTEE = "branch_committee", _("支部委员会")
    BRANCH_GENERAL = "branch_general", _("支部党员大会")
    PARTY_COMMITTEE = "party_committee", _("党委会（基层党委会议）")
    GENERAL_BRANCH_COMMITTEE = "general_branch_committee", _("党总支委员会")
    # Routine meetings (三会一课, 主题党日, 组织生活会): recorded, never vote on development.
    PARTY_GROUP = "party_group", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    THEMED_DAY = "themed_day", _("主题党日")
    LIFE_MEETING = "life_meeting", _("组织生活会")
    HEART_TALK = "heart_talk", _("谈心谈话")


class Motion(models.TextChoices):
    DESIGNATE_ACTIVIST = "designate_activist", _("确定为入党积极分子")
    DESIGNATE_CANDIDATE = "designate_candidate", _("确定为发展对象")
    COMMITTEE_REVIEW = "committee_review", _("支委会审查")
    ADMIT = "admit", _("接收为预备党员")
    APPROVE_ADMISSION = "approve_admission", _("审批接收预备党员")
    CONVERT = "convert", _("按期转正")
    EXTEND_PROBATION = "extend_probation", _("延长预备期")
    DISQUALIFY = "disqualify", _("取消预备党员资格")
    APPROVE_CONVERSION = "approve_conversion", _("审批转正")
    DECLINE = "decline", _("不予发展")
    DEFER = "defer", _("暂缓发展")
