"""统计分析 in the HTTP API: every figure of the dashboard for an org subtree and period, with the URL
of the people list behind each. Same selectors as the page: an org outside the caller's scope is a 404.
"""

import datetime as dt

from ninja import Router, Schema

from dangjian.base.api import Error, ValidationErrorOut
from dangjian.stats import selectors

router = Router(tags=["统计分析"])


class FigureOut(Schema):
    key: str
    label: str
    n: int
    url: str


class SubOrgOut(Schema):
    org_id: int
    code: str
    name: str
    members: FigureOut
    applicants: FigureOut
    activists: FigureOut
    candidates: FigureOut
    admitted: FigureOut
    frontline: FigureOut


class MonthOut(Schema):
    month: str
    applied: int
    activist: int
    candidate: int
    admitted: int
    admitted_frontline: int
    converted: int


class StatsOut(Schema):
    org_id: int
    org_code: str
    org_name: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    active: FigureOut
    members: FigureOut
    standing: list[FigureOut]
    category: list[FigureOut]
    gender: list[FigureOut]
    age: list[FigureOut]
    education: list[FigureOut]
    ethnicity: list[FigureOut]
    unit_type: list[FigureOut]
    funnel: list[FigureOut]
    frontline_admitted: FigureOut
    trends: list[MonthOut]
    suborgs: list[SubOrgOut]


def as_dict(stats: selectors.Stats) -> dict:
    def fig(f):
        return {"key": f.key, "label": f.label, "n": f.n, "url": f.url}

    return {
        "org_id": stats.org.pk,
        "org_code": stats.org.code,
        "org_name": stats.org.name,
        "start": stats.period.start,
        "end": stats.period.end,
        "as_of": stats.as_of,
        "active": fig(stats.active),
        "members": fig(stats.members),
        **{
            name: [fig(f) for f in getattr(stats, name)]
            for name in (
                "standing",
                "category",
                "gender",
                "age",
                "education",
                "ethnicity",
                "unit_type",
                "funnel",
            )
        },
        "frontline_admitted": fig(stats.frontline_admitted),
        "trends": [{k: v for k, v in row.items() if k != "urls"} for row in stats.trends],
        "suborgs": [
            {
                "org_id": s.org.pk,
                "code": s.org.code,
                "name": s.org.name,
                **{
                    k: fig(getattr(s, k))
                    for k in ("members", "applicants", "activists", "candidates", "admitted", "frontline")
                },
            }
            for s in stats.suborgs
        ],
    }


@router.get(
    "", response={200: StatsOut, 404: Error, 422: ValidationErrorOut}, summary="党组织及其下级的统计数据"
)
def subtree_stats(request, org: str = "", code: str = "", start: str = "", end: str = ""):
    """`org` (id) or `code`; `start`/`end` as YYYY-MM (default: the last 12 months)."""
    target = selectors.stats_org(request.user, org or None, code)
    period = selectors.parse_period(start, end, names=("start", "end"))
    return as_dict(selectors.subtree_stats(request.user, target, period))
