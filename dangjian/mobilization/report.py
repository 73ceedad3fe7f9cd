"""The campaign statistics as plain text (the `dangjian campaign stats` report)."""

from __future__ import annotations

from dangjian.people.models import Category

from .models import CampaignKind, TeamKind
from .selectors import CampaignStats


def _n(value) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    return f"{value:,}" if isinstance(value, int) else str(value)


def stats_text(stats: CampaignStats) -> str:
    c = stats.campaign
    t, tm, p, d, v, f, k = (
        stats.temporary_orgs, stats.team_members, stats.posts, stats.duty, stats.volunteer, stats.frontline,
        stats.commendations,
    )  # fmt: skip
    status = f"已于{c.closed_on:%Y-%m-%d}结束" if c.closed_on else "进行中"
    head = f"{c.name}（{c.code}）· {CampaignKind(c.kind).label} · {c.org.name}组织领导 · {c.starts_on:%Y-%m-%d}开始 · {status}"
    if not stats.whole:
        head += " · 仅含授权范围内的党组织"
    teams = "，".join(f"{kind.label}{_n(stats.teams[kind.value])}" for kind in TeamKind)
    levels = "，".join(f"{lv.title}{_n(lv.led)}/{_n(lv.nodes)}" for lv in stats.grid)
    categories = "，".join(f"{Category(key).label}{_n(n)}" for key, n in f["admitted_by_category"].items())
    rows = [
        ("临时党组织", f"{_n(t['total'])}（临时党委{_n(t['temp_committee'])}，临时党支部{_n(t['temp_branch'])}，"
                  f"临时党小组{_n(t['temp_group'])}；尚未撤销{_n(t['active'])}；编入党员{_n(t['seconded_members'])}人）"),
        ("各类队伍", f"{_n(stats.teams['total'])}支（{teams}）；队员{_n(tm['total'])}人，其中党员{_n(tm['party'])}人"),
        ("党员先锋岗、责任区", f"{_n(p['total'])}个（先锋岗{_n(p['posts'])}，责任区{_n(p['zones'])}）"),
        ("网格包保", f"小区长、楼栋长、单元长{_n(stats.grid_leads)}名，网格{_n(stats.grid_nodes)}个（{levels}），"
                 f"未落实{_n(stats.grid_gaps)}个"),
        ("双报到", f"{_n(stats.registrations['total'])}人，已安排岗位{_n(stats.registrations['placed'])}人"),
        ("值班值守", f"{_n(d['days'])}天、{_n(d['shifts'])}个班次，在岗{_n(d['person_days'])}人次，"
                 f"平均每天{_n(d['daily_average'])}人"),
        ("志愿服务", f"{_n(v['events'])}场，参与{_n(v['participants'])}人次，服务群众{_n(v['people_served'])}人次"),
        ("一线递交入党申请", f"{_n(f['applications'])}人（已建立发展纪实{_n(f['cases'])}，待原单位接收{_n(f['pending'])}）"),
        ("火线发展党员", f"{_n(f['admitted'])}名" + (f"（{categories}；其中社区（村）基层干部"
                                                   f"{_n(f['admitted_grassroots_cadres'])}）" if categories else "")
                   + f"，其中经本次动员一线推荐{_n(f['recommended_admitted'])}名"),
        ("通报表扬", f"{_n(k['bulletins'])}期，先进集体{_n(k['collectives'])}个，先进个人{_n(k['individuals'])}名"),
    ]  # fmt: skip
    width = max(len(label) for label, _ in rows)
    lines = [head, *(f"{label}{'　' * (width - len(label))}　{text}" for label, text in rows)]
    lines.append(
        f"注：火线发展党员为{f['from']}至{f['to']}{c.org.name}范围内按火线入党特殊规定接收的预备党员，与统计分析、工作简报同一口径。"
    )
    return "\n".join(lines)
