"""The 会议记录 as Word: A4, the meeting's facts, attendance by status and the motions."""

from __future__ import annotations

import datetime as dt
import io

import docx
from docx.shared import Mm

from dangjian.conftest import make_person
from dangjian.meetings import roster
from dangjian.meetings.services import attendance_record, meeting_record, resolution_record


def test_meeting_record_docx(client, world):
    branch = world.branch_a1_1
    for name in ("赵甲", "赵乙", "赵丙"):
        make_person(branch, name=name)
    make_person(branch, name="钱预备", standing="probationary", admitted_on=dt.date(2024, 1, 5))
    candidate = make_person(branch, name="孙发展", standing="candidate")
    day = dt.date(2024, 6, 28)
    meeting = meeting_record(
        actor=None, org=branch, kind="branch_general", held_on=day, expected_voters=1, present_voters=1,
        title="6月支部党员大会", topic="讨论接收预备党员", place="党员活动室", chair="曾小芳",
        purposes=["themed_day"],
    )  # fmt: skip
    rows, _ = roster.roster(branch, meeting.kind, day)
    entries = [(r.person.pk, "present", "") for r in rows]
    entries[0] = (rows[0].person.pk, "leave", "外出务工")
    meeting = attendance_record(actor=None, meeting=meeting, entries=entries)
    resolution_record(actor=None, meeting=meeting, person=candidate, motion="admit", yes=3, no=0, abstain=0)
    client.force_login(world.secretary)
    response = client.get(f"/documents/meeting/{meeting.pk}/")
    assert response.status_code == 200
    document = docx.Document(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    )
    section = document.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "东城镇第一党支部6月支部党员大会记录" in text
    assert "支部党员大会（同时作为主题党日）" in cells
    assert f"{rows[0].person.name}（外出务工）" in cells
    assert any(c.startswith("钱预备") or "、钱预备" in c for c in cells)  # attends without a vote (列席)
    assert "孙发展" in cells and "接收为预备党员" in cells and "通过" in cells
    client.force_login(world.outsider)
    assert client.get(f"/documents/meeting/{meeting.pk}/").status_code == 404
