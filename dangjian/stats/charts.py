"""ECharts options for the dashboard, built as plain dicts (passed to the page with json_script).

Every data item carries the `url` of the people list behind it; the page's script navigates there
when a bar, slice or point is clicked.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from dangjian.stats.selectors import EVENTS, Figure, Stats

FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif'
PALETTE = ["#c8161d", "#e6a23c", "#409eff", "#67c23a", "#909399", "#8e44ad", "#16a085", "#d35400"]


def _items(figures: list[Figure]) -> list[dict]:
    return [{"value": f.n, "name": f.label, "url": f.url} for f in figures]


def _base(**extra) -> dict:
    return {"color": PALETTE, "textStyle": {"fontFamily": FONT}, "tooltip": {"trigger": "item"}, **extra}


def _bars(figures: list[Figure], *, horizontal: bool = False) -> dict:
    names = [f.label for f in figures]
    cat = {"type": "category", "data": names, "axisLabel": {"interval": 0}}
    val = {"type": "value", "minInterval": 1}
    if horizontal:
        cat["inverse"] = True
    return _base(
        grid={"left": 8, "right": 24, "top": 16, "bottom": 8, "containLabel": True},
        xAxis=val if horizontal else cat,
        yAxis=cat if horizontal else val,
        series=[
            {
                "type": "bar",
                "data": _items(figures),
                "label": {"show": True, "position": "right" if horizontal else "top"},
            }
        ],
    )


def _pie(figures: list[Figure]) -> dict:
    return _base(
        legend={"bottom": 0, "type": "scroll"},
        series=[
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "center": ["50%", "45%"],
                "data": _items([f for f in figures if f.n]),
                "label": {"formatter": "{b}\n{c}"},
            }
        ],
    )


def options(stats: Stats) -> dict[str, dict]:
    funnel = _base(
        series=[
            {
                "type": "funnel",
                "sort": "none",
                "minSize": "20%",
                # Labels beside the funnel, not inside it: a phone's narrow bands cut them off.
                "left": "2%",
                "width": "46%",
                "data": _items(stats.funnel),
                "label": {"position": "right", "formatter": "{b}：{c}", "color": "#333"},
                "labelLine": {"show": True, "length": 10},
            }
        ]
    )
    months = [row["month"] for row in stats.trends]
    series = []
    for key, _f, label in EVENTS:
        series.append(
            {
                "name": str(label),
                "type": "bar" if key == "admitted" else "line",
                "data": [{"value": row[key], "url": row["urls"][key]} for row in stats.trends],
            }
        )
    series.append(
        {
            "name": _("其中火线入党"),
            "type": "bar",
            "data": [
                {"value": row["admitted_frontline"], "url": row["urls"]["admitted_frontline"]}
                for row in stats.trends
            ],
        }
    )
    trends = _base(
        tooltip={"trigger": "axis"},
        legend={"top": 0, "type": "scroll"},
        grid={"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True},
        xAxis={"type": "category", "data": months},
        yAxis={"type": "value", "minInterval": 1},
        series=series,
    )
    names = [s.org.short_name or s.org.name for s in stats.suborgs]
    suborgs = _base(
        tooltip={"trigger": "axis"},
        legend={"top": 0},
        grid={"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True},
        xAxis={
            "type": "category",
            "data": names,
            "axisLabel": {"interval": 0, "rotate": 30 if len(names) > 6 else 0},
        },
        yAxis={"type": "value", "minInterval": 1},
        dataZoom=[{"type": "inside"}] if len(names) > 20 else [],
        series=[
            {
                "name": _("党员"),
                "type": "bar",
                "data": [{"value": s.members.n, "url": s.members.url} for s in stats.suborgs],
            },
            {
                "name": _("本期发展党员"),
                "type": "bar",
                "data": [{"value": s.admitted.n, "url": s.admitted.url} for s in stats.suborgs],
            },
        ],
    )
    return {
        "funnel": funnel,
        "trends": trends,
        "suborgs": suborgs,
        "standing": _bars(stats.standing, horizontal=True),
        "category": _bars(stats.category, horizontal=True),
        "gender": _pie(stats.gender),
        "age": _bars(stats.age, horizontal=True),
        "education": _pie(stats.education),
        "ethnicity": _pie(stats.ethnicity),
        "unit_type": _pie(stats.unit_type),
    }
