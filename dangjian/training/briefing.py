"""Training in the work briefing: the classes that ended in the period, 人次 by kind and category."""

from __future__ import annotations

from django.db.models import Count

from dangjian.orgs.models import subtree_q
from dangjian.training.models import Participation, TraineeCategory, TrainingKind
from dangjian.training.selectors import drill_url


def section(org, period) -> tuple[str, list]:
    """The briefing's org is already checked against the user's scope: the whole subtree counts."""
    qs = Participation.objects.filter(
        subtree_q(org.path, "training_class__org__path"), completed=True,
        training_class__end_on__range=(period.start, period.end),
    )  # fmt: skip
    by_kind = dict(
        qs.values_list("training_class__kind")
        .annotate(n=Count("id"))
        .values_list("training_class__kind", "n")
    )
    by_category = dict(qs.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    classes = qs.values("training_class").distinct().count()
    total = sum(by_kind.values())
    rows = [("training_total", "培训（人次）", total, drill_url(org, period.start, period.end))]
    rows += [
        (f"training_{k.value}", f"{k.label}（人次）", by_kind.get(k.value, 0),
         drill_url(org, period.start, period.end, kind=k.value))
        for k in TrainingKind if by_kind.get(k.value)
    ]  # fmt: skip
    if not total:
        return "", rows
    kinds = "、".join(f"{k.label}{by_kind[k.value]}人次" for k in TrainingKind if by_kind.get(k.value))
    who = "、".join(
        f"{c.label}{by_category[c.value]}人次"
        for c in (TraineeCategory.TOWN_PARTY_CADRE, TraineeCategory.VILLAGE_CADRE)
        if by_category.get(c.value)
    )
    text = f"期间，举办各类培训班{classes}个，培训{total}人次，其中{kinds}"
    return text + (f"；已培训{who}" if who else "") + "。", rows
