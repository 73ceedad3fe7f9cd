from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    JOINT_BRANCH = "joint_branch", _("联合党支部")
    PARTY_GROUP = "party_group", _("党小组")
    TEMP_COMMITTEE = "temp_committee", _("临时党委")
    TEMP_BRANCH = "temp_branch", _("临时党支部")
    TEMP_GROUP = "temp_group", _("临时党小组")


COMMITTEE_KINDS = frozenset({OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.TEMP_COMMITTEE})
BRANCH_KINDS = frozenset({OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMP_BRANCH})
GROUP_KINDS = frozenset({OrgKind.PARTY_GROUP, OrgKind.TEMP_GROUP})
TEMPORARY_KINDS = frozenset({OrgKind.TEMP_COMMITTEE, OrgKind.TEMP_BRANCH, OrgKind.TEMP_GROUP})
# Grassroots organizations (基层党组织) as counted in the statistics: committees below the top,
# general branches and branches. Party groups are not organizations in that count.
GRASSROOTS_KINDS = frozenset(
    {OrgKind.COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.GENERAL_BRANCH, *BRANCH_KINDS}
)


class UnitType(models.TextChoices):
    ORGAN = "organ", _("机关")
    INSTITUTION = "institution", _("事业单位")
    ENTERPRISE = "enterprise", _("企业")
    HOSPITAL = "hospital", _("医院")
    SCHOOL = "school", _("学校")
    VILLAGE = "village", _("村")
    COMMUNITY = "community", _("社区")
    OTHER = "other", _("其他")


class Org(MP_Node):
    """A party organization. The materialized path makes a subtree one indexed range filter."""

    steplen = STEPLEN
    alphabet = PATH_ALPHABET

    code = models.CharField(_("组织代码"), max_length=32, unique=True)
    name = models.CharField(_("组织名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.CharField(_("组织类别"), max_length=24, choices=OrgKind.choices)
    unit_type = models.CharField(
        _("单位类型"), max_length=16, choices=UnitType.choices, default=UnitType.OTHER
    )
    has_approval_authority = models.BooleanField(_("具有审批权限"), default=False)
    is_local_committee = models.BooleanField(
        _("地方党委"), default=False, help_text=_("县级以上地方党委（如市委、县委），不计入基层党组织数。")
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    dissolved_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Derived from the name (kept by save() and the bulk creation): the org pickers match a typed
    # pinyin prefix, run together ("dongcheng") or as initials ("dcz"), on these indexed columns.
    name_pinyin = models.CharField(_("名称全拼"), max_length=480, db_index=True, editable=False, default="")
    name_initials = models.CharField(
        _("名称拼音首字母"), max_length=120, db_index=True, editable=False, default=""
    )

    node_order_by: list[str] = []

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        indexes = [models.Index(fields=["depth", "path"], name="org_depth_path")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.fill_pinyin()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin", "name_initials"}
        super().save(*args, **kwargs)

    def fill_pinyin(self) -> None:
        self.name_pinyin, self.name_initials = org_name_pinyin(self.name)

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    @property
    def is_temporary(self) -> bool:
        return self.kind in TEMPORARY_KINDS

    @property
    def is_group(self) -> bool:
        return self.kind in GROUP_KINDS

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    def parent_path(self) -> str:
        return self.path[: -self.steplen]


def org_name_pinyin(name: str) -> tuple[str, str]:
    """("dongchengzhendiyidangzhibu", "dczdydzb") for 东城镇第一党支部; letters and digits kept."""
    from pypinyin import Style, lazy_pinyin

    syllables = [
        s.lower() for s in lazy_pinyin((name or "").strip(), style=Style.NORMAL, errors=list) if s.strip()
    ]
    return "".join(syllables)[:480], "".join(s[0] for s in syllables)[:120]


def path_successor(path: str) -> str:
    """The smallest path greater than every path that starts with `path`.

    Subtree = path >= P and path < successor(P): a plain index range on SQLite and PostgreSQL.
    """
    chars = list(path)
    i = len(chars) - 1
    while i >= 0:
        pos = PATH_ALPHABET.index(chars[i])
        if pos + 1 < len(PATH_ALPHABET):
            chars[i] = PATH_ALPHABET[pos + 1]
            return "".join(chars[: i + 1])
        i -= 1
    return "~"


def subtree_q(path: str, prefix: str = "path") -> models.Q:
    return models.Q(**{f"{prefix}__gte": path, f"{prefix}__lt": path_successor(path)})


def within_q(org: Org, prefix: str = "path") -> models.Q:
    """subtree_q of `org`, or no condition at all when its subtree is every org (the only root): the
    figures of a whole jurisdiction then need no join to the org table."""
    if org.depth == 1 and not Org.objects.filter(depth=1).exclude(pk=org.pk).exists():
        return models.Q()
    return subtree_q(org.path, prefix)
