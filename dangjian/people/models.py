from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.base.idnumber import mask_id_number
from dangjian.base.phone import mask_phone


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Standing(models.TextChoices):
    """Where the person stands in the development of members, in order."""

    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


MEMBER_STANDINGS = frozenset({Standing.PROBATIONARY, Standing.FULL})
STANDING_ORDER = {s.value: i for i, s in enumerate(Standing)}


class Reduction(models.TextChoices):
    """Why a person left the org's books (党员减少). Records are never hard-deleted."""

    TRANSFERRED_OUT = "transferred_out", _("转出")
    DECEASED = "deceased", _("死亡")
    EXPELLED = "expelled", _("开除党籍")
    WITHDRAWN = "withdrawn", _("出党（退党除名）")
    STOPPED = "stopped", _("停止党籍")
    DISQUALIFIED = "disqualified", _("取消预备党员资格")
    DEVELOPMENT_ENDED = "development_ended", _("终止发展")


class Category(models.TextChoices):
    MEDICAL = "medical", _("医务人员")
    POLICE = "police", _("公安民警")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    VILLAGE_CADRE = "village_cadre", _("村(社区)干部")
    CIVIL_SERVANT = "civil_servant", _("机关干部")
    ENTERPRISE_STAFF = "enterprise_staff", _("企业职工")
    TEACHER = "teacher", _("教师")
    STUDENT = "student", _("学生")
    FARMER = "farmer", _("农民")
    VETERAN = "veteran", _("复员退伍军人")
    RETURNED_MIGRANT = "returned_migrant", _("返乡农民工")
    RURAL_ENTREPRENEUR = "rural_entrepreneur", _("致富能手")
    RETIRED = "retired", _("离退休人员")
    OTHER = "other", _("其他")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中专")
    HIGH_SCHOOL = "high_school", _("高中")
    JUNIOR_HIGH = "junior_high", _("初中")
    PRIMARY = "primary", _("小学及以下")


ETHNICITIES = [
    "汉族",
    "壮族",
    "回族",
    "满族",
    "维吾尔族",
    "苗族",
    "彝族",
    "土家族",
    "藏族",
    "蒙古族",
    "侗族",
    "布依族",
    "瑶族",
    "白族",
    "朝鲜族",
    "哈尼族",
    "黎族",
    "哈萨克族",
    "傣族",
    "畲族",
    "傈僳族",
    "东乡族",
    "仡佬族",
    "拉祜族",
    "佤族",
    "水族",
    "纳西族",
    "羌族",
    "土族",
    "仫佬族",
    "锡伯族",
    "柯尔克孜族",
    "景颇族",
    "达斡尔族",
    "撒拉族",
    "布朗族",
    "毛南族",
    "塔吉克族",
    "普米族",
    "阿昌族",
    "怒族",
    "鄂温克族",
    "京族",
    "基诺族",
    "德昂族",
    "保安族",
    "俄罗斯族",
    "裕固族",
    "乌孜别克族",
    "门巴族",
    "鄂伦春族",
    "独龙族",
    "赫哲族",
    "高山族",
    "珞巴族",
    "塔塔尔族",
]


class Person(models.Model):
    """One file per person (一人一档)."""

    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=12, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    id_number = models.CharField(_("公民身份号码"), max_length=18, unique=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    education = models.CharField(_("学历"), max_length=24, choices=Education.choices, blank=True)
    category = models.CharField(
        _("人员类别"), max_length=24, choices=Category.choices, default=Category.OTHER
    )
    work_unit = models.CharField(_("工作单位及职务"), max_length=120, blank=True)
    # Indexed by person_org_sort and person_org_standing (both lead with the org), not on its own.
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("所在党组织"),
        on_delete=models.PROTECT,
        related_name="people",
        db_index=False,
    )
    standing = models.CharField(_("政治面貌/发展阶段"), max_length=16, choices=Standing.choices)
    on_probation_watch = models.BooleanField(
        _("留党察看期间"),
        default=False,
        help_text=_("受留党察看处分、尚未恢复党员权利：不能担任入党介绍人。"),
    )
    applied_on = models.DateField(_("递交入党申请书日期"), null=True, blank=True)
    activist_on = models.DateField(_("确定为入党积极分子日期"), null=True, blank=True)
    candidate_on = models.DateField(_("确定为发展对象日期"), null=True, blank=True)
    admitted_on = models.DateField(_("接收为预备党员日期"), null=True, blank=True)
    converted_on = models.DateField(_("转为正式党员日期"), null=True, blank=True)
    reduction = models.CharField(_("减少原因类别"), max_length=24, choices=Reduction.choices, blank=True)
    reduced_on = models.DateField(_("减少日期"), null=True, blank=True)
    reduction_note = models.CharField(_("减少说明"), max_length=300, blank=True)
    # 补录: standing and milestone dates entered by hand for someone without development records
    # (joined before the system, transferred in), never derived; who, when and why (people/services.py).
    backfilled_at = models.DateTimeField(_("补录时间"), null=True, blank=True, editable=False)
    backfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("补录人"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    backfilled_by_name = models.CharField(_("补录人姓名"), max_length=150, blank=True, editable=False)
    backfill_reason = models.CharField(_("补录原因"), max_length=300, blank=True, editable=False)
    name_sort_key = models.CharField(_("姓名拼音"), max_length=160, db_index=True, editable=False)
    name_initials = models.CharField(_("姓名首字母"), max_length=40, db_index=True, editable=False)
    name_pinyin = models.CharField(_("姓名全拼"), max_length=160, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("人员档案")
        verbose_name_plural = _("人员档案")
        ordering = ["name_sort_key", "id"]
        indexes = [
            models.Index(fields=["org", "name_sort_key"], name="person_org_sort"),
            models.Index(fields=["standing"], name="person_standing"),
            # The members of each org on the books, read from the index alone (the branch sizes).
            models.Index(fields=["org", "standing", "reduction"], name="person_org_standing"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return not self.reduction

    @property
    def is_backfilled(self) -> bool:
        """The standing and milestone dates were entered by 补录, not derived from records."""
        return self.backfilled_at is not None

    @property
    def is_member(self) -> bool:
        return self.standing in MEMBER_STANDINGS

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class SubtreeCount(models.Model):
    """Active people in an org's whole subtree, by standing and category.

    Pre-aggregated so that the counts of any org (up to the whole city) are one indexed read.
    Kept current by the people and org services (see people/counts.py); `dangjian counts
    rebuild` recomputes it from the base table, and the tests compare the two.
    """

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    standing = models.CharField(max_length=16, choices=Standing.choices)
    category = models.CharField(max_length=24, choices=Category.choices)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("人数汇总")
        verbose_name_plural = _("人数汇总")
        constraints = [
            models.UniqueConstraint(fields=["org", "standing", "category"], name="subtree_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.standing} {self.category}: {self.n}"
