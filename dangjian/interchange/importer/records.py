"""Turning a 发展纪实 row into step records, and comparing them with the cases on file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from dangjian.base.idnumber import mask_id_number
from dangjian.development.catalog import STEP_BY_NUMBER
from dangjian.development.models import StepRecord
from dangjian.interchange.importer.parse import (
    CHUNK,
    OUT_OF_SCOPE,
    _Collector,
    _ok,
    _Row,
)
from dangjian.interchange.layout import (
    RECORDS,
    SIMPLE_STEPS,
    VOTE_KEYS,
    columns_by_header,
)
from dangjian.orgs.models import Org
from dangjian.people.models import Person


@dataclass(slots=True)
class _Step:
    """What `milestones` reads of a record, without building a model instance per step."""

    step: int
    on: dt.date
    data: dict
    pk: None = None


def _records_for(
    row: _Row,
    orgs: dict[str, Org],
    people: dict[str, Person],
    out: _Collector,
    hidden: frozenset[str] = frozenset(),
) -> list[dict]:
    """The step records a 发展纪实 row stands for (unsaved dicts for cases_backfill).

    `hidden` holds the ID numbers and org codes on file outside the actor's scope: reported as
    such, never named, and never used.
    """
    v, n = row.values, row.number
    header = {c.key: c.header for c in columns_by_header(RECORDS).values()}
    records: list[dict] = []

    def add(step: int, on: dt.date | None, **data) -> None:
        if on is not None:
            records.append({"step": step, "on": on, "data": data})

    def need(date_key: str, *others: str) -> None:
        filled = [k for k in others if v.get(k) not in (None, "", [])]
        if filled and v.get(date_key) is None and _ok(row, date_key):
            names = "、".join(header[k] for k in filled)
            out.add(RECORDS, n, header[date_key], "", f"填写了{names}，但缺少“{header[date_key]}”。")

    for step, key in SIMPLE_STEPS.items():
        add(step, v.get(key))

    def member_ids(key: str) -> list[str]:
        """ID numbers now; _bind swaps them for person ids once everyone is saved."""
        numbers: list[str] = []
        for number in v.get(key) or []:
            if number in hidden:
                out.add(RECORDS, n, header[key], number, f"该{header[key]}{OUT_OF_SCOPE}")
            elif number not in people:
                out.add(RECORDS, n, header[key], number,
                        f"{mask_id_number(number)}不在“党员名册”中，系统中也没有该党员。")  # fmt: skip
            elif number == v.get("id_number"):
                out.add(RECORDS, n, header[key], number, "本人不能担任自己的培养联系人或入党介绍人。")
            elif number in numbers:
                out.add(RECORDS, n, header[key], number, "同一名党员不能重复列出。")
            else:
                numbers.append(number)
        return numbers

    need("contacts_on", "contacts")
    if v.get("contacts_on") and not v.get("contacts") and _ok(row, "contacts"):
        out.add(
            RECORDS,
            n,
            header["contacts"],
            "",
            "填写了指定培养联系人日期，但没有列出培养联系人的公民身份号码。",
        )
    add(5, v.get("contacts_on"), contacts=member_ids("contacts"))
    for on in v.get("assessments") or []:
        add(6, on)
    need("introducers_on", "introducers")
    if v.get("introducers_on") and not v.get("introducers") and _ok(row, "introducers"):
        out.add(
            RECORDS,
            n,
            header["introducers"],
            "",
            "填写了确定入党介绍人日期，但没有列出入党介绍人的公民身份号码。",
        )
    add(9, v.get("introducers_on"), introducers=member_ids("introducers"))
    need("political_review_on", "political_review_result")
    if (
        v.get("political_review_on")
        and not v.get("political_review_result")
        and _ok(row, "political_review_result")
    ):
        out.add(RECORDS, n, header["political_review_result"], "", "请填写政审结论（合格/不合格）。")
    add(10, v.get("political_review_on"), result=v.get("political_review_result") or "")
    need("training_end", "training_start", "training_hours")
    start, end = v.get("training_start"), v.get("training_end")
    if start and end and start > end:
        out.add(RECORDS, n, header["training_start"], start.isoformat(), "集中培训开始日期晚于结束日期。")
    training: dict[str, Any] = {"start": start.isoformat() if start else ""}
    if v.get("training_hours") is not None:
        training["hours"] = v["training_hours"]
    add(11, end, **training)
    need("prereview_on", "notice_start", "notice_end")
    if bool(v.get("notice_start")) != bool(v.get("notice_end")):
        missing = "notice_end" if v.get("notice_start") else "notice_start"
        out.add(RECORDS, n, header[missing], "", "公示开始日期和结束日期须同时填写。")
    elif v.get("notice_start") and v["notice_start"] > v["notice_end"]:
        out.add(
            RECORDS, n, header["notice_start"], v["notice_start"].isoformat(), "公示开始日期晚于结束日期。"
        )
    notice = {}
    if v.get("notice_start") and v.get("notice_end"):
        notice = {"notice_start": v["notice_start"].isoformat(), "notice_end": v["notice_end"].isoformat()}
    add(13, v.get("prereview_on"), **notice)
    for step, prefix, date_key in (
        (15, "admission", "admission_meeting_on"),
        (23, "conversion", "conversion_meeting_on"),
    ):
        votes = {k: v.get(f"{prefix}_{k}") for k in VOTE_KEYS}
        need(date_key, *[f"{prefix}_{k}" for k in VOTE_KEYS])
        if v.get(date_key) and any(votes[k] is None for k in ("expected", "present", "yes")):
            lacking = [header[f"{prefix}_{k}"] for k in ("expected", "present", "yes") if votes[k] is None]
            out.add(RECORDS, n, lacking[0], "", f"记录了{header[date_key]}，须同时填写{'、'.join(lacking)}。")
        if (
            votes["present"] is not None
            and votes["expected"] is not None
            and votes["present"] > votes["expected"]
        ):
            out.add(
                RECORDS, n, header[f"{prefix}_present"], str(votes["present"]), "实到会人数多于应到会人数。"
            )
        cast = sum(votes[k] or 0 for k in ("yes", "no", "abstain"))
        if votes["expected"] is not None and cast > votes["expected"]:
            out.add(
                RECORDS,
                n,
                header[f"{prefix}_yes"],
                str(votes["yes"]),
                "赞成、反对、弃权票合计多于应到会有表决权人数。",
            )
        data = {k: value for k, value in votes.items() if value is not None}
        if step == 23:
            result = v.get("conversion_result") or ""
            need("conversion_meeting_on", "conversion_result", "extension_months")
            if v.get(date_key) and not result and _ok(row, "conversion_result"):
                out.add(
                    RECORDS,
                    n,
                    header["conversion_result"],
                    "",
                    "请填写转正结论（按期转正/延长预备期/取消预备党员资格）。",
                )
            months = v.get("extension_months")
            if result == "延长预备期" and months is None and _ok(row, "extension_months"):
                out.add(
                    RECORDS, n, header["extension_months"], "", "转正结论为延长预备期时须填写延长预备期月数。"
                )
            if months is not None and result != "延长预备期":
                out.add(
                    RECORDS,
                    n,
                    header["extension_months"],
                    str(months),
                    "只有延长预备期时才填写延长预备期月数。",
                )
            data["result"] = result
            if months is not None:
                data["extension_months"] = months
        add(step, v.get(date_key), **data)
    approving = v.get("approving_org_code") or ""
    approver = orgs.get(approving) if approving else None
    if approving in hidden:
        out.add(
            RECORDS, n, header["approving_org_code"], approving, f"审批党组织编码“{approving}”{OUT_OF_SCOPE}"
        )
    elif approving and approver is None:
        out.add(
            RECORDS,
            n,
            header["approving_org_code"],
            approving,
            f"审批党组织编码“{approving}”既不在“党组织”表中，也不在系统中。",
        )
    for step, key in ((17, "approved_on"), (24, "conversion_approved_on")):
        if v.get(key) is None:
            continue
        if not approving:
            out.add(
                RECORDS, n, header["approving_org_code"], "", f"记录了{header[key]}，须填写审批党组织编码。"
            )
        records.append({"step": step, "on": v[key], "data": {}, "org": approver})
    today = timezone.localdate()
    for record in records:
        if record["on"] > today:
            step = STEP_BY_NUMBER[record["step"]]
            out.add(RECORDS, n, _date_header(record["step"]), record["on"].isoformat(),
                    f"{step.name}的日期晚于今天。")  # fmt: skip
    return records


def _date_header(step: int) -> str:
    for column in columns_by_header(RECORDS).values():
        if column.step == step and column.kind in ("date", "dates"):
            return column.header
    return ""


def _remarks(row: _Row) -> str:
    parts = [row.values.get("remarks") or "", row.remarks]
    return "；".join(p for p in parts if p)


def _bind(records: list[dict], people: dict[str, Person], orgs: dict[str, Org]) -> None:
    """Swap the ID numbers and unsaved orgs used while checking for the saved people and orgs."""
    for record in records:
        data = record["data"]
        for key in ("contacts", "introducers"):
            if key in data:
                data[key] = [people[number].pk for number in data[key]]
        org = record.get("org")
        if org is not None and org.pk is None:
            record["org"] = orgs[org.code]


def _recorded_dates(case_ids: list[int]) -> dict[int, dict[int, set[dt.date]]]:
    """case id → step → the dates of its current records."""
    out: dict[int, dict[int, set[dt.date]]] = defaultdict(lambda: defaultdict(set))
    for start in range(0, len(case_ids), CHUNK):
        rows = StepRecord.objects.filter(case_id__in=case_ids[start : start + CHUNK], is_current=True)
        for case_id, step, on in rows.values_list("case_id", "step", "on"):
            out[case_id][step].add(on)
    return out


def _compare(
    row: _Row, current: dict[int, set[dt.date]], records: list[dict], out: _Collector, header: dict[str, str]
) -> list[dict]:
    """Steps of the file missing from the case; differences with recorded steps are errors."""
    missing = []
    for record in records:
        step = record["step"]
        have = current.get(step)
        if not have:
            missing.append(record)
            continue
        dates = have
        if record["on"] in dates:
            continue
        if step == 6:
            missing.append(record)  # one more assessment
            continue
        shown = "、".join(sorted(d.isoformat() for d in dates))
        out.add(RECORDS, row.number, _date_header(step), record["on"].isoformat(),
                f"系统中已记录{STEP_BY_NUMBER[step].name}为{shown}，与表中不一致；如需更正请在系统中办理（保留原记录）。")  # fmt: skip
    return missing


def _count_findings(person_ids: list[int]) -> int:
    if not person_ids:
        return 0
    total = 0
    for start in range(0, len(person_ids), CHUNK):
        for findings in StepRecord.objects.filter(
            case__person_id__in=person_ids[start : start + CHUNK], is_current=True
        ).values_list("findings", flat=True):
            total += len(findings or [])
    return total
