"""What the 民主评议 app adds to the core's pages (registered in apps.py)."""

from __future__ import annotations

from dangjian.base.panels import Panel


def _org_link(request, org, page) -> dict | None:
    return {"org": org, "is_branch": org.is_branch}


def _person_grades(request, person, page) -> dict | None:
    from dangjian.appraisal.selectors import entries_for_person

    entries = list(entries_for_person(request.user, person))
    return {"entries": entries, "person": person} if entries else None


ORG_LINK = Panel("appraisal-link", "appraisal/panels/org_link.html", _org_link, place="actions", order=25)
PERSON_GRADES = Panel(
    "appraisal-grades", "appraisal/panels/person_grades.html", _person_grades, place="main", order=40
)
