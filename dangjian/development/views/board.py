"""The 发展党员 board (发展党员工作台) of an org's subtree: filters by stage, org and what is due, paged."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from dangjian.accounts import scope
from dangjian.development import board as reads
from dangjian.development import selectors
from dangjian.orgs.fields import OrgPickerForm
from dangjian.orgs.selectors import ancestors_in_scope


def _params(request, **changes) -> str:
    """The query string of the current filters with `changes` (None drops a key)."""
    params = {k: v for k, v in request.GET.items() if k in ("stage", "due") and v}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return urlencode(params)


@login_required
@require_GET
def board(request, org_pk: int):
    user = request.user
    org = scope.get_org_for_user(user, org_pk)
    # The org filter is the board's org: choosing another (name, code or pinyin) opens its board.
    picker = OrgPickerForm(user, request.GET, name="org_code", initial=org, small=True)
    if picker.org is not None:
        query = _params(request)
        return redirect(reverse("development-board", args=[picker.org.pk]) + (f"?{query}" if query else ""))
    if not picker.is_bound:
        picker = OrgPickerForm(user, name="org_code", initial=org, small=True)
    picker.fields["org_code"].widget.attrs["id"] = "board-org"

    today = timezone.localdate()
    due = request.GET.get("due", "")
    due = due if due in reads.DUE_FILTERS else ""
    stage_param = request.GET.get("stage", "")
    stages = dict(reads.BOARD_STAGES)
    stage = int(stage_param) if stage_param.isdigit() and int(stage_param) in stages else None

    cases = reads.board_cases(user, org, due=due, today=today)
    counts = reads.stage_counts(cases)
    context = {
        "nav": "orgs", "org": org, "ancestors": ancestors_in_scope(user, org),
        "totals": selectors.board_totals(user, org), "org_picker": picker,
        "due": due, "due_filters": list(reads.DUE_FILTERS.items()), "stage": stage,
        "stage_tabs": [
            {"value": v, "label": label, "n": counts[v], "query": _params(request, stage=str(v), page=None)}
            for v, label in reads.BOARD_STAGES
        ],
        "filtered_total": sum(counts.values()),
        "all_query": _params(request, stage=None),
    }  # fmt: skip
    shown = []
    if stage is None:
        columns = []
        for value, label in reads.BOARD_STAGES:
            cards = (
                list(reads.ordered(cases.filter(stage=value))[: reads.COLUMN_CARDS]) if counts[value] else []
            )
            shown.extend(cards)
            columns.append(
                {"stage": value, "label": label, "cases": cards, "total": counts[value],
                 "more_query": _params(request, stage=str(value))}
            )  # fmt: skip
        context["columns"] = columns
    else:
        paginator = Paginator(reads.ordered(cases.filter(stage=stage)), reads.PAGE_CARDS)
        paginator.count = counts[stage]  # counted already: no second COUNT
        page = paginator.get_page(request.GET.get("page"))
        shown = list(page.object_list)
        context.update(page=page, cards=shown, stage_label=stages[stage], page_query=_params(request))
    deadlines = reads.next_deadlines([c.pk for c in shown], today)
    for card in shown:
        card.deadline = deadlines.get(card.pk)
    return render(request, "development/board.html", context)
