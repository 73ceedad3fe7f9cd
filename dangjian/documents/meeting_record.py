"""The context of the 会议记录 (word.MEETING_RECORD_KEYS): one meeting, its attendance list by status,
its motions one by one. The document itself is rendered by word.render from the template in force."""

from __future__ import annotations

import datetime as dt

from dangjian.documents.briefing import cn_date


def meeting_context(meeting, attendance, resolutions, *, today: dt.date) -> dict:
    """The 会议记录 of one meeting: its attendance list by status, its motions one by one."""
    kinds = [str(meeting.get_kind_display()), *(str(p.get_kind_display()) for p in meeting.purposes.all())]
    voters = [a for a in attendance if a.is_voter]
    by_status = {s: [a for a in attendance if a.status == s] for s in ("present", "leave", "absent")}
    names = lambda rows: "、".join(a.person.name for a in rows)  # noqa: E731
    recorder = meeting.created_by.get_full_name() or meeting.created_by.username if meeting.created_by else ""
    data = {
        "title": meeting.display_title,
        "kinds": kinds[0] + (f"（同时作为{'、'.join(kinds[1:])}）" if len(kinds) > 1 else ""),
        "held_on": cn_date(meeting.held_on), "place": meeting.place + ("（视频会议）" if meeting.online else ""),
        "chair": meeting.chair, "lecturer": meeting.lecturer + ("（书记）" if meeting.lecturer_is_secretary else ""),
        "recorder": recorder,
        "listed": f"{len(attendance)}人（有表决权{len(voters)}人）" if attendance else (
            f"有表决权{meeting.expected_voters}人" if meeting.takes_decisions else ""),
        "present": f"{len(by_status['present'])}人" if attendance else (
            f"有表决权{meeting.present_voters}人" if meeting.takes_decisions else ""),
        "present_names": names(by_status["present"]),
        "leave_names": "、".join(f"{a.person.name}（{a.reason}）" for a in by_status["leave"]),
        "absent_names": names(by_status["absent"]),
        "guests": "、".join(a.person.name for a in by_status["present"] if not a.is_voter),
        "topic": meeting.topic, "notes": meeting.notes,
    }  # fmt: skip
    people = [
        {
            "name": r.person.name, "motion": str(r.get_motion_display()),
            "yes": "" if not r.has_votes else str(r.yes_total), "no": "" if r.no is None else str(r.no),
            "abstain": "" if r.abstain is None else str(r.abstain),
            "result": "未表决" if not r.has_votes else ("通过" if r.passed else "未通过"),
        }
        for r in resolutions
    ]  # fmt: skip
    return {"org_name": meeting.org.name, "date": cn_date(today), "meeting": data, "people": people,
            "count": str(len(people))}  # fmt: skip
