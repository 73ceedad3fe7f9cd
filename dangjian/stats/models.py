"""Pre-aggregated composition counts (gender, birth year, education, ethnicity, unit type)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangjian.people.models import Standing


class Dim(models.TextChoices):
    GENDER = "gender", _("性别")
    BIRTH_YEAR = "birth_year", _("出生年份")
    EDUCATION = "education", _("学历")
    ETHNICITY = "ethnicity", _("民族")
    UNIT_TYPE = "unit_type", _("单位类型")


class CompositionCount(models.Model):
    """Active people in an org's whole subtree, by standing and one composition dimension.

    Like people.SubtreeCount (and kept current in the same service transactions, see
    stats/counts.py), one row per (org, standing, dimension, value). Age bands are derived at read
    time from the per-birth-year rows, so the table never goes stale as time passes; unit type is
    the unit type of the person's own org.
    """

    org = models.ForeignKey("orgs.Org", on_delete=models.CASCADE, related_name="+")
    standing = models.CharField(max_length=16, choices=Standing.choices)
    dim = models.CharField(max_length=12, choices=Dim.choices)
    value = models.CharField(max_length=24)
    n = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("构成汇总")
        verbose_name_plural = _("构成汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["org", "standing", "dim", "value"], name="composition_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_id} {self.standing} {self.dim}={self.value}: {self.n}"
