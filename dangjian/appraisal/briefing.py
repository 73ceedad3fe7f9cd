"""民主评议 in the work briefing: the appraisals held in the period, by grade."""

from __future__ import annotations

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode

from dangjian.appraisal.models import Appraisal, AppraisalEntry, Grade
from dangjian.orgs.models import subtree_q


def section(org, period) -> tuple[str, list]:
    held = Appraisal.objects.filter(
        subtree_q(org.path, "org__path"), held_on__range=(period.start, period.end)
    )
    branches = held.count()
    grades = dict(
        AppraisalEntry.objects.filter(appraisal__in=held)
        .exclude(grade="")
        .values_list("grade")
        .annotate(n=Count("id"))
        .values_list("grade", "n")
    )
    years = sorted(set(held.values_list("year", flat=True))) or [period.end.year]
    base = reverse("appraisal-figures")
    records = reverse("appraisal-records")
    rows = [("appraisal_branches", "开展民主评议党员的党支部（个）", branches,
             f"{base}?{urlencode({'org': org.pk, 'year': years[-1]})}")]  # fmt: skip
    rows += [
        (f"appraisal_{g.value}", f"民主评议评定为{g.label}（名）", grades.get(g.value, 0),
         f"{records}?{urlencode({'org': org.pk, 'year': years[-1], 'grade': g.value})}")
        for g in Grade
    ]  # fmt: skip
    if not branches:
        return "", rows
    told = "、".join(f"{g.label}{grades[g.value]}名" for g in Grade if grades.get(g.value))
    text = f"期间，{branches}个党支部开展{'、'.join(f'{y}年度' for y in years)}民主评议党员"
    text += f"，评定{told}" if told else ""
    if grades.get(Grade.UNQUALIFIED):
        text += "，对评定为不合格的党员按规定作出组织处置"
    return text + "。", rows
