from __future__ import annotations

from django.db import models

from dangjian.core.idnumber import mask_id_number
from dangjian.core.phone import mask_phone


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Standing(models.TextChoices):
    """Where the person stands in the development of members, in order."""

    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL = "full", "正式党员"


MEMBER_STANDINGS = frozenset({Standing.PROBATIONARY, Standing.FULL})
STANDING_ORDER = {s.value: i for i, s in enumerate(Standing)}


class Reduction(models.TextChoices):
    """Why a person left the org's books (党员减少). Records are never hard-deleted."""

    TRANSFERRED_OUT = "transferred_out", "转出"
    DECEASED = "deceased", "死亡"
    EXPELLED = "expelled", "开除党籍"
    WITHDRAWN = "withdrawn", "出党（退党除名）"
    STOPPED = "stopped", "停止党籍"
    DISQUALIFIED = "disqualified", "取消预备党员资格"
    DEVELOPMENT_ENDED = "development_ended", "终止发展"


class Category(models.TextChoices):
    MEDICAL = "medical", "医务人员"
    POLICE = "police", "公安民警"
    COMMUNITY_WORKER = "community_worker", "社区工作者"
    VILLAGE_CADRE = "village_cadre", "村(社区)干部"
    CIVIL_SERVANT = "civil_servant", "机关干部"
    ENTERPRISE_STAFF = "enterprise_staff", "企业职工"
    TEACHER = "teacher", "教师"
    STUDENT = "student", "学生"
    FARMER = "farmer", "农民"
    VETERAN = "veteran", "复员退伍军人"
    RETURNED_MIGRANT = "returned_migrant", "返乡农民工"
    RURAL_ENTREPRENEUR = "rural_entrepreneur", "致富能手"
    RETIRED = "retired", "离退休人员"
    OTHER = "other", "其他"


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", "研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY_VOCATIONAL = "secondary_vocational", "中专"
    HIGH_SCHOOL = "high_school", "高中"
    JUNIOR_HIGH = "junior_high", "初中"
    PRIMARY = "primary", "小学及以下"


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

    name = models.CharField("姓名", max_length=40)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=12, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    education = models.CharField("学历", max_length=24, choices=Education.choices, blank=True)
    category = models.CharField("人员类别", max_length=24, choices=Category.choices, default=Category.OTHER)
    work_unit = models.CharField("工作单位及职务", max_length=120, blank=True)
    org = models.ForeignKey(
        "orgs.Org", verbose_name="所在党组织", on_delete=models.PROTECT, related_name="people"
    )
    standing = models.CharField("政治面貌/发展阶段", max_length=16, choices=Standing.choices)
    applied_on = models.DateField("递交入党申请书日期", null=True, blank=True)
    activist_on = models.DateField("确定为入党积极分子日期", null=True, blank=True)
    candidate_on = models.DateField("确定为发展对象日期", null=True, blank=True)
    admitted_on = models.DateField("接收为预备党员日期", null=True, blank=True)
    converted_on = models.DateField("转为正式党员日期", null=True, blank=True)
    reduction = models.CharField("减少原因类别", max_length=24, choices=Reduction.choices, blank=True)
    reduced_on = models.DateField("减少日期", null=True, blank=True)
    reduction_note = models.CharField("减少说明", max_length=300, blank=True)
    name_sort_key = models.CharField("姓名拼音", max_length=160, db_index=True, editable=False)
    name_initials = models.CharField("姓名首字母", max_length=40, db_index=True, editable=False)
    name_pinyin = models.CharField("姓名全拼", max_length=160, db_index=True, editable=False, default="")
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "人员档案"
        verbose_name_plural = "人员档案"
        ordering = ["name_sort_key", "id"]
        indexes = [
            models.Index(fields=["org", "name_sort_key"], name="person_org_sort"),
            models.Index(fields=["standing"], name="person_standing"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return not self.reduction

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
        verbose_name = "人数汇总"
        verbose_name_plural = "人数汇总"
        constraints = [
            models.UniqueConstraint(fields=["org", "standing", "category"], name="subtree_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.standing} {self.category}: {self.n}"
