"""Mobilization (战时动员): a campaign and everything set up under it.

A campaign (新冠肺炎疫情防控, 防汛救灾 …) is run by one org; every structure under it belongs to an
org inside that org's subtree, so a user's scope over those orgs decides what they see:

- temporary party organizations: `orgs.Org` rows of the temporary kinds, linked here with the
  approving committee and the appointed secretary (`TemporaryOrg`); members are seconded
  (`Secondment`) and keep their home org;
- teams (突击队、先锋队、应急队、志愿服务队) with members who are party members or not (`Team`,
  `TeamMember`); vanguard posts and responsibility zones (`Post`);
- grid coverage (包保): compounds → buildings → units, each with its lead (`GridNode`);
- 双报到: working members registered with the community where they live (`CommunityRegistration`);
- duty shifts with the people who served (`DutyShift`, `DutyService`) and the pre-aggregated
  people on duty per org and day (`DutyDay`); volunteer service events (`VolunteerEvent`);
- front-line recommendations into the development pipeline (`FrontlineRecommendation`) and
  commendation bulletins (`Bulletin`, `Commendation`).

Closing a campaign dissolves its temporary orgs (kept as history) and ends every structure.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangjian.orgs.models import OrgKind


class CampaignKind(models.TextChoices):
    EPIDEMIC = "epidemic", "疫情防控"
    FLOOD = "flood", "防汛救灾"
    DISASTER = "disaster", "抢险救灾"
    EVENT = "event", "重大活动保障"
    OTHER = "other", "其他"


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    CLOSED = "closed", "已结束"


class Campaign(models.Model):
    """An emergency or campaign (战时动员) run by one org; everything else hangs under it."""

    code = models.CharField("编号", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类别", max_length=16, choices=CampaignKind.choices)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="组织领导的党组织", on_delete=models.PROTECT, related_name="campaigns"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("计划结束日期", null=True, blank=True)
    closed_on = models.DateField("结束日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    frontline_basis = models.CharField(
        "火线入党依据",
        max_length=200,
        blank=True,
        help_text="适用2020年疫情防控一线发展党员特殊规定时填写（文件名称）；一线推荐的发展纪实记为特殊情况。",
    )
    description = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "战时动员"
        verbose_name_plural = "战时动员"
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["org", "status"], name="campaign_org_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == CampaignStatus.ACTIVE

    @property
    def frontline(self) -> bool:
        return bool(self.frontline_basis.strip())


TEMPORARY_ORG_KINDS = (OrgKind.TEMP_COMMITTEE, OrgKind.TEMP_BRANCH, OrgKind.TEMP_GROUP)


class TemporaryOrg(models.Model):
    """A temporary party organization of a campaign: the `orgs.Org` row plus how it was set up.

    Approved by a committee (RULES.md §7.4), its secretary appointed by that committee; it ends
    when the campaign closes (the org is dissolved, never deleted).
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="temporary_orgs"
    )
    org = models.OneToOneField(
        "orgs.Org", verbose_name="临时党组织", on_delete=models.PROTECT, related_name="temporary_link"
    )
    approved_by = models.ForeignKey(
        "orgs.Org", verbose_name="批准设立的党组织", on_delete=models.PROTECT, related_name="+"
    )
    approved_on = models.DateField("批准日期")
    approval_ref = models.CharField("批准文号", max_length=100, blank=True)
    secretary = models.ForeignKey(
        "people.Person", verbose_name="书记", on_delete=models.PROTECT, related_name="+"
    )
    mission = models.CharField("任务", max_length=200, blank=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "临时党组织"
        verbose_name_plural = "临时党组织"
        indexes = [models.Index(fields=["campaign"], name="temporg_campaign")]

    def __str__(self) -> str:
        return self.org.name


class TemporaryRole(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    COMMITTEE = "committee", "委员"
    MEMBER = "member", "党员"


class Secondment(models.Model):
    """A party member seconded to a temporary org. Their home org (组织关系) does not change."""

    temporary_org = models.ForeignKey(
        TemporaryOrg, verbose_name="临时党组织", on_delete=models.PROTECT, related_name="secondments"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="secondments"
    )
    home_org = models.ForeignKey(
        "orgs.Org", verbose_name="原所在党组织", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        "职务", max_length=12, choices=TemporaryRole.choices, default=TemporaryRole.MEMBER
    )
    joined_on = models.DateField("编入日期")
    left_on = models.DateField("离开日期", null=True, blank=True)

    class Meta:
        verbose_name = "临时党组织成员"
        verbose_name_plural = "临时党组织成员"
        constraints = [
            models.UniqueConstraint(
                fields=["temporary_org", "person"],
                condition=Q(left_on__isnull=True),
                name="one_active_secondment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.temporary_org}"


class TeamKind(models.TextChoices):
    SHOCK = "shock", "党员突击队"
    VANGUARD = "vanguard", "党员先锋队"
    EMERGENCY = "emergency", "党员应急队"
    VOLUNTEER = "volunteer", "志愿服务队"


PARTY_TEAM_KINDS = frozenset({TeamKind.SHOCK, TeamKind.VANGUARD, TeamKind.EMERGENCY})


class Team(models.Model):
    """A shock, vanguard, emergency or volunteer team formed by an org for the campaign."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="teams"
    )
    org = models.ForeignKey(
        "orgs.Org", verbose_name="组建的党组织", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("类别", max_length=12, choices=TeamKind.choices)
    name = models.CharField("名称", max_length=100)
    mission = models.CharField("任务", max_length=300, blank=True)
    starts_on = models.DateField("组建日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "队伍"
        verbose_name_plural = "队伍"
        ordering = ["kind", "name", "id"]
        indexes = [
            models.Index(fields=["campaign", "kind"], name="team_campaign_kind"),
            models.Index(fields=["org"], name="team_org"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamRole(models.TextChoices):
    LEADER = "leader", "队长"
    MEMBER = "member", "队员"


class TeamMember(models.Model):
    """A team member: a person with a file (party member, activist …) or someone without one (群众)."""

    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.PROTECT, related_name="members")
    person = models.ForeignKey(
        "people.Person",
        verbose_name="人员档案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_memberships",
    )
    name = models.CharField("姓名", max_length=40)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    is_party_member = models.BooleanField("党员", default=False)
    role = models.CharField("职务", max_length=8, choices=TeamRole.choices, default=TeamRole.MEMBER)
    registration = models.ForeignKey(
        "CommunityRegistration",
        verbose_name="双报到",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_placements",
    )
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("离队日期", null=True, blank=True)

    class Meta:
        verbose_name = "队员"
        verbose_name_plural = "队员"
        ordering = ["team", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "person"],
                condition=Q(left_on__isnull=True, person__isnull=False),
                name="one_active_team_membership",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PostKind(models.TextChoices):
    POST = "post", "党员先锋岗"
    ZONE = "zone", "党员责任区"


class Post(models.Model):
    """A vanguard post (党员先锋岗) or responsibility zone (党员责任区) held by a party member."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="posts"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="设岗党组织", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=8, choices=PostKind.choices)
    name = models.CharField("名称", max_length=100)
    place = models.CharField("地点（范围）", max_length=200)
    duties = models.CharField("职责", max_length=300, blank=True)
    holder = models.ForeignKey(
        "people.Person", verbose_name="责任党员", on_delete=models.PROTECT, related_name="posts"
    )
    starts_on = models.DateField("设立日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "先锋岗/责任区"
        verbose_name_plural = "先锋岗/责任区"
        ordering = ["kind", "name", "id"]
        indexes = [
            models.Index(fields=["campaign", "kind"], name="post_campaign_kind"),
            models.Index(fields=["org"], name="post_org"),
        ]

    def __str__(self) -> str:
        return self.name


class GridLevel(models.TextChoices):
    COMPOUND = "compound", "小区"
    BUILDING = "building", "楼栋"
    UNIT = "unit", "单元"


LEAD_TITLES = {GridLevel.COMPOUND: "小区长", GridLevel.BUILDING: "楼栋长", GridLevel.UNIT: "单元长"}
LEVEL_DEPTH = {GridLevel.COMPOUND: 1, GridLevel.BUILDING: 2, GridLevel.UNIT: 3}


class GridNode(models.Model):
    """A compound, building or unit under grid coverage (包保), with its lead (小区长/楼栋长/单元长).

    `key` is the node's full name ("阳光小区/3栋/2单元"), unique in the campaign: the spreadsheet
    import finds nodes by it. A node without a lead is a gap in the coverage report.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="grid_nodes"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="包保党组织", on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField("层级", max_length=10, choices=GridLevel.choices)
    name = models.CharField("名称", max_length=60)
    key = models.CharField("完整名称", max_length=200)
    lead_person = models.ForeignKey(
        "people.Person",
        verbose_name="负责人档案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_leads",
    )
    lead_name = models.CharField("负责人", max_length=40, blank=True)
    lead_phone = models.CharField("负责人电话", max_length=20, blank=True)
    lead_since = models.DateField("负责起始日期", null=True, blank=True)
    registration = models.ForeignKey(
        "CommunityRegistration",
        verbose_name="双报到",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grid_placements",
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "包保网格"
        verbose_name_plural = "包保网格"
        ordering = ["key", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "key"], name="grid_node_key_unique")]
        indexes = [
            models.Index(fields=["campaign", "level", "lead_name"], name="grid_campaign_level_lead"),
            models.Index(fields=["org"], name="grid_org"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def has_lead(self) -> bool:
        return bool(self.lead_name)

    @property
    def lead_title(self) -> str:
        return LEAD_TITLES[self.level]


class CommunityRegistration(models.Model):
    """双报到: a working party member registered with the community where they live.

    The community places them in its teams or grid roles; their own unit (the person's org) and
    the community both see the registration and the placements.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="registrations"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="community_registrations"
    )
    community = models.ForeignKey(
        "orgs.Org", verbose_name="报到社区党组织", on_delete=models.PROTECT, related_name="+"
    )
    registered_on = models.DateField("报到日期")
    address = models.CharField("居住小区", max_length=120, blank=True)
    ended_on = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "双报到"
        verbose_name_plural = "双报到"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=Q(ended_on__isnull=True),
                name="one_active_registration",
            )
        ]
        indexes = [models.Index(fields=["campaign", "community"], name="registration_community")]

    def __str__(self) -> str:
        return f"{self.person} → {self.community}"


class DutyShift(models.Model):
    """One shift of a team's duty plan (定点分组值班): a place, a day, a period and its lead.

    The shift lead's record of who served is `services` (no personal check-ins); `served` is
    their number, kept by the service.
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="duty_shifts"
    )
    team = models.ForeignKey(Team, verbose_name="队伍", on_delete=models.PROTECT, related_name="shifts")
    on = models.DateField("日期")
    place = models.CharField("值守地点", max_length=100)
    period = models.CharField("班次", max_length=40, help_text="如 08:00-12:00、白班、夜班")
    lead = models.ForeignKey(
        TeamMember, verbose_name="带班人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned = models.PositiveSmallIntegerField("计划人数", default=0)
    served = models.PositiveSmallIntegerField("实际值守人数", default=0)
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled = models.BooleanField("已取消", default=False)

    class Meta:
        verbose_name = "值班班次"
        verbose_name_plural = "值班班次"
        ordering = ["on", "place", "period", "id"]
        indexes = [
            models.Index(fields=["campaign", "on"], name="shift_campaign_day"),
            models.Index(fields=["team", "on"], name="shift_team_day"),
        ]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.place} {self.period}"


class DutyService(models.Model):
    """A team member who served a shift, as recorded by the shift lead."""

    shift = models.ForeignKey(
        DutyShift, verbose_name="班次", on_delete=models.CASCADE, related_name="services"
    )
    member = models.ForeignKey(TeamMember, verbose_name="队员", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "值守记录"
        verbose_name_plural = "值守记录"
        constraints = [models.UniqueConstraint(fields=["shift", "member"], name="one_service_per_shift")]

    def __str__(self) -> str:
        return f"{self.member} · {self.shift}"


class DutyDay(models.Model):
    """People on duty per campaign, org (the teams' org) and day: distinct people, pre-aggregated.

    Rewritten for one (campaign, org, day) whenever a shift of that org and day is recorded, so the
    daily counts and the dashboard read these rows instead of every service record.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    on = models.DateField("日期")
    people = models.PositiveIntegerField("在岗人数", default=0)

    class Meta:
        verbose_name = "每日在岗人数"
        verbose_name_plural = "每日在岗人数"
        constraints = [models.UniqueConstraint(fields=["campaign", "org", "on"], name="duty_day_unique")]
        indexes = [models.Index(fields=["campaign", "on"], name="duty_day_campaign_day")]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.org_id}: {self.people}"


class VolunteerEvent(models.Model):
    """One volunteer service event (志愿服务): date, place, organizer, participants, people served."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="volunteer_events"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, verbose_name="服务队", null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    on = models.DateField("日期")
    place = models.CharField("地点", max_length=100)
    title = models.CharField("服务内容", max_length=200)
    participants = models.PositiveIntegerField("参与人数")
    people_served = models.PositiveIntegerField("服务群众（人次）", default=0)
    note = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "志愿服务"
        verbose_name_plural = "志愿服务"
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["campaign", "on"], name="volunteer_campaign_day")]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.title}"


class FrontlineRecommendation(models.Model):
    """一线推荐: someone who stood out in the campaign, recommended into the development pipeline.

    The case is opened (or found) at the person's home branch, with the campaign as its source; a
    temporary org may recommend but passes the record on to the home org (RULES.md §7.4). Until the
    home org has a case for the person, `case` is empty (待接收).
    """

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="recommendations"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="被推荐人",
        on_delete=models.PROTECT,
        related_name="frontline_recommendations",
    )
    recommended_by = models.ForeignKey(
        "orgs.Org", verbose_name="推荐党组织", on_delete=models.PROTECT, related_name="+"
    )
    recommended_on = models.DateField("推荐日期")
    reason = models.CharField("一线表现", max_length=300)
    case = models.ForeignKey(
        "development.Case",
        verbose_name="发展纪实",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "一线推荐"
        verbose_name_plural = "一线推荐"
        ordering = ["-recommended_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="one_recommendation_per_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.campaign}"


class Bulletin(models.Model):
    """A commendation bulletin (通报表扬) of the campaign: number, date, issuing org."""

    campaign = models.ForeignKey(
        Campaign, verbose_name="战时动员", on_delete=models.PROTECT, related_name="bulletins"
    )
    number = models.CharField("期号（文号）", max_length=60)
    issued_on = models.DateField("印发日期")
    issued_by = models.ForeignKey(
        "orgs.Org", verbose_name="印发单位", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题", max_length=200)
    created_at = models.DateTimeField("建立时间", auto_now_add=True)

    class Meta:
        verbose_name = "通报表扬"
        verbose_name_plural = "通报表扬"
        ordering = ["issued_on", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="bulletin_number_unique")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CommendationKind(models.TextChoices):
    COLLECTIVE = "collective", "先进集体"
    INDIVIDUAL = "individual", "先进个人"


class Commendation(models.Model):
    """A collective or an individual named in a bulletin."""

    bulletin = models.ForeignKey(
        Bulletin, verbose_name="通报", on_delete=models.PROTECT, related_name="commendations"
    )
    kind = models.CharField("类别", max_length=12, choices=CommendationKind.choices)
    name = models.CharField("名称（姓名）", max_length=120)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="党组织", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        Team, verbose_name="队伍", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="人员档案",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commendations",
    )
    citation = models.CharField("事迹", max_length=300, blank=True)

    class Meta:
        verbose_name = "表扬对象"
        verbose_name_plural = "表扬对象"
        ordering = ["bulletin", "kind", "id"]

    def __str__(self) -> str:
        return self.name
