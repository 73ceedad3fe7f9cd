"""The work briefing (工作简报): Chinese text in the style of the seed articles, filled from the data.

"截至目前，全市火线发展党员58名，其中医护人员19名、公安民警8名、社区(村)基层干部25名。"

"截至" is kept for cumulative figures (党员总数 on the period's last day); what happened in the period
is told as "X月X日至X月X日……期间". A figure that is zero is left out of its sentence; a sentence whose figures are all zero is left out
(or, for the development work, says 暂无). The first line is the title; paragraphs are separated by
blank lines (the Word and PDF exports keep that layout, and take the text as the user edited it).
"""

from __future__ import annotations

import datetime as dt

from dangjian.documents.selectors import GRASSROOTS_CADRES, MEDICAL, POLICE, BriefingFigures
from dangjian.mobilization.models import TeamKind
from dangjian.people.models import Category

CATEGORY_LABEL = dict(Category.choices)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _join(parts: list[str], sep: str = "，") -> str:
    return sep.join(p for p in parts if p)


def _breakdown(by_category: dict[str, int], unit: str = "名") -> str:
    """其中医护人员19名、公安民警8名、社区(村)基层干部25名、其他人员6名 (empty when nothing)."""
    if not by_category:
        return ""
    medical = sum(by_category.get(c, 0) for c in MEDICAL)
    police = sum(by_category.get(c, 0) for c in POLICE)
    cadres = sum(by_category.get(c, 0) for c in GRASSROOTS_CADRES)
    parts = []
    if medical:
        parts.append(f"医护人员{medical}{unit}")
    if police:
        parts.append(f"公安民警{police}{unit}")
    if cadres:
        parts.append(f"社区(村)基层干部{cadres}{unit}")
    named = set(MEDICAL) | set(POLICE) | set(GRASSROOTS_CADRES)
    for category, n in by_category.items():
        if category not in named and n and category != Category.OTHER:
            parts.append(f"{CATEGORY_LABEL[category]}{n}{unit}")
    other = by_category.get(Category.OTHER, 0)
    if other:
        parts.append(f"其他人员{other}{unit}")
    return "其中" + "、".join(parts)


def title(f: BriefingFigures) -> str:
    return f"{f.org.name}发展党员和战时动员工作简报"


def paragraphs(f: BriefingFigures) -> list[str]:
    org = f.org.name
    span = f"{cn_date(f.period.start)}至{cn_date(f.period.end)}"
    out = []

    # 1. development of members
    steps = []
    if f.applications:
        steps.append(f"共有{f.applications}人递交入党申请书")
    picked = []
    if f.activists:
        picked.append(f"入党积极分子{f.activists}名")
    if f.candidates:
        picked.append(f"发展对象{f.candidates}名")
    if picked:
        steps.append("确定" + "、".join(picked))
    if f.admissions:
        steps.append(_join([f"接收预备党员{f.admissions}名", _breakdown(f.admissions_by_category)]))
    # 按期 only for probation of one year; extended ones and disqualifications are told apart.
    if f.conversions:
        steps.append(f"{f.conversions}名预备党员按期转为正式党员")
    if f.extended_conversions:
        steps.append(f"{f.extended_conversions}名预备党员延长预备期后转为正式党员")
    if f.other_conversions:
        steps.append(f"{f.other_conversions}名预备党员转为正式党员（接收日期未记录）")
    if f.disqualified:
        steps.append(f"{f.disqualified}名预备党员被取消预备党员资格")
    if steps:
        body = "；".join(steps)
        out.append(f"{span}，{org}各级党组织坚持标准、保证质量，扎实做好发展党员工作。期间{body}。")
    else:
        out.append(f"{span}，{org}暂无新的发展党员工作记录。")
    # 截至 is for cumulative figures only (what stands on a day), never for the period's counts.
    if f.members:
        of_which = f"，其中预备党员{f.probationary_members}名" if f.probationary_members else ""
        out[-1] += f"截至{cn_date(f.period.end)}，{org}共有党员{f.members}名{of_which}。"

    # 2. frontline admissions (火线发展党员), the seeds' headline figure: admissions in the period, so
    # told with the period, not with 截至.
    if f.frontline:
        out.append(
            _join(
                [
                    f"期间，{org}火线发展党员{f.frontline}名",
                    _breakdown(f.frontline_by_category),
                ]
            )
            + "。"
        )

    # 3. mobilization: temporary orgs, teams, posts and zones, volunteer service
    built = []
    if f.temporary_orgs:
        built.append(f"组建临时党组织{f.temporary_orgs}个")
    if f.teams:
        kinds = "、".join(label for value, label in TeamKind.choices if f.teams_by_kind.get(value))
        built.append(f"成立{kinds}{f.teams}支")
    places = []
    if f.posts:
        places.append(f"设立党员先锋岗{f.posts}个")
    if f.zones:
        places.append(f"划分党员责任区{f.zones}个")
    built.append("、".join(places))
    service = ""
    if f.volunteer_events:
        service = _join(
            [
                f"开展志愿服务{f.volunteer_events}次",
                f"参与{f.volunteer_participants}人次" if f.volunteer_participants else "",
                f"服务群众{f.people_served}人次" if f.people_served else "",
            ]
        )
    mobilization = _join(built)
    if mobilization or service:
        sentence = "各级党组织闻令而动，" + _join([mobilization, service], "；") + "，让党旗在一线高高飘扬。"
        out.append(sentence)

    # 4. commendations
    if f.bulletins:
        who = "、".join(
            p
            for p in (
                f"{f.commended_collectives}个先进集体" if f.commended_collectives else "",
                f"{f.commended_individuals}名个人" if f.commended_individuals else "",
            )
            if p
        )
        out.append(f"期间制定下发通报表扬{f.bulletins}期" + (f"，共表扬{who}" if who else "") + "。")

    # 5. the sections of other apps: branch life, 民主评议, training
    out += [paragraph for paragraph, _rows in f.sections if paragraph]
    return out


def compose(f: BriefingFigures) -> str:
    """The whole briefing as plain text: title, blank line, paragraphs separated by blank lines."""
    return "\n\n".join([title(f), *paragraphs(f)])


def split(text: str) -> tuple[str, list[str]]:
    """(title, paragraphs) of an edited briefing: the first non-empty line is the title."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return "", []
    return lines[0], lines[1:]
