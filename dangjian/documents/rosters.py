"""The roster pages: the 党员花名册 (预备党员 and 正式党员 only) and the 入党申请人、入党积极分子、
发展对象名册, each with its first rows on the page and its Excel export (see spreadsheets.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from dangjian.base.idnumber import mask_id_number
from dangjian.documents import selectors, services
from dangjian.documents.models import ExportKind
from dangjian.people.models import Category, Education, Gender, Standing

SHOWN = 200
EXPORT_KINDS = {selectors.MEMBERS: ExportKind.ROSTER, selectors.DEVELOPMENT: ExportKind.DEVELOPMENT_ROSTER}


@login_required
def roster_page(request, roster):
    from dangjian.documents.views import _org

    if roster not in selectors.ROSTER_STANDINGS:
        raise Http404("未知的名册。")
    org = _org(request)
    gender, education = dict(Gender.choices), dict(Education.choices)
    category, standing = dict(Category.choices), dict(Standing.choices)
    rows = []
    for values in selectors.roster_people(org, roster)[:SHOWN]:
        name, sex, ethnicity, birth, number, edu, cat, unit, org_name, std, *dates = values[:-1]
        if roster == selectors.MEMBERS:  # 入党日期, and 转正日期 for a full member
            dates = [dates[0], dates[1] if std == Standing.FULL else None]
        rows.append({
            "name": name, "gender": gender.get(sex, ""), "ethnicity": ethnicity, "birth_date": birth,
            "id_number": mask_id_number(number), "education": education.get(edu, ""),
            "category": category.get(cat, ""), "work_unit": unit, "org_name": org_name,
            "political_status": selectors.STANDING_AS_POLITICAL_STATUS[Standing(std)],
            "standing": standing.get(std, ""), "dates": dates,
        })  # fmt: skip
    context = {
        "nav": "documents",
        "org": org,
        "roster": roster,
        "title": selectors.ROSTER_TITLES[roster],
        "members": roster == selectors.MEMBERS,
        "total": selectors.roster_count(org, roster),
        "rows": rows,
        "kind": EXPORT_KINDS[roster],
        "may_unmask": selectors.may_see_personal_data(request.user, org),
        "background_rows": services.BACKGROUND_ROWS,
    }
    return render(request, "documents/roster.html", context)
