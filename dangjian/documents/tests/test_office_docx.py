"""Every Word document printed as a clerk's office suite would (LibreOffice → PDF): A4, the GB/T 9704
margins, a 落款 with the issuing org and date (and a contact line on a 公示), list columns that keep
a date on one line, and the header row of a long list repeated on every page.

Marked `office`: skipped where LibreOffice is not installed (`.ci/run` installs it).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest
from docx.shared import Mm

from dangjian.conftest import make_person
from dangjian.development.services.backfill import cases_backfill
from dangjian.documents import word
from dangjian.documents.models import TemplateKind
from dangjian.documents.tests.office import needs_office, to_pdf

pytestmark = [pytest.mark.office, needs_office, pytest.mark.django_db]
D = dt.date
NOTICE = "start=2026-03-16&working_days=5&contact_name=张书记&contact_phone=0826-2345678"


def _name(n: int) -> str:
    return "候" + "春夏秋冬晨"[n // 10] + "明华强伟芳敏静丽军勇"[n % 10]


@pytest.fixture
def many_candidates(docs):
    """Forty more candidates designated on 2026-03-15: a notice longer than one page."""
    people = [
        make_person(
            docs.branch_a1_1,
            name=_name(n),
            standing="candidate",
            applied_on=D(2024, 3, 1),
            activist_on=D(2024, 9, 1),
            candidate_on=D(2026, 3, 15),
            work_unit="花桥镇大田村村民委员会委员",
            birth_date=D(1990, 1, 1) + dt.timedelta(days=n),
        )
        for n in range(40)
    ]
    cases_backfill(
        actor=None, source="测试",
        rows=[{"person": p, "records": [{"step": 1, "on": D(2024, 3, 1)}, {"step": 3, "on": D(2024, 9, 1)},
                                        {"step": 7, "on": D(2026, 3, 15)}]} for p in people],
    )  # fmt: skip
    return docs


def _documents(docs, client) -> dict[str, bytes]:
    town = docs.town_a1.pk
    case = docs.people["cand1"].case
    responses = {
        TemplateKind.CANDIDATE_NOTICE: client.get(
            f"/documents/notice/candidate_notice/?org={town}&{NOTICE}&download=1"
        ),
        TemplateKind.APPROVAL_SUMMARY: client.get(f"/documents/word/approval_summary/?org={town}"),
        TemplateKind.ACTIVIST_FILING: client.get(f"/documents/case/{case.pk}/activist_filing/"),
        TemplateKind.CANDIDATE_FILING: client.get(f"/documents/case/{case.pk}/candidate_filing/"),
        "briefing": client.post(
            "/documents/briefing/", {"org": town, "from": "2026-01-01", "to": "2026-06-30", "format": "docx"}
        ),
    }
    for kind, response in responses.items():
        assert response.status_code == 200, kind
    return {kind: response.content for kind, response in responses.items()}


def test_every_word_document_prints_on_a4_with_the_official_margins(many_candidates, client_as):
    for kind, content in _documents(many_candidates, client_as(many_candidates.admin)).items():
        section = docx.Document(io.BytesIO(content)).sections[0]
        landscape = section.page_width > section.page_height
        expected = word.LANDSCAPE_MARGINS_MM if landscape else word.MARGINS_MM
        for side, mm in expected.items():
            assert abs(getattr(section, f"{side}_margin") - Mm(mm)) < Mm(0.2), (kind, side)
        printed = to_pdf(content, ".docx")
        assert printed.pages and printed.is_a4(), (kind, printed.pages)


def test_the_notice_has_its_foot_its_columns_and_a_header_on_every_page(many_candidates, client_as):
    content = _documents(many_candidates, client_as(many_candidates.admin))[TemplateKind.CANDIDATE_NOTICE]
    printed = to_pdf(content, ".docx")
    assert len(printed.pages) >= 2  # 42 people: the header row must come back on the next page
    for page in printed.texts:
        if "2024-03-01" in page:  # a page of the table: its header row comes first
            assert "姓名" in page and "所在党支部" in page, page[:300]
    everything = "\n".join(printed.texts)
    # dates on one line in their columns (not "2024 / 年3 / 月1 / 日")
    assert (
        len(re.findall(r"2024-03-01", everything)) == 42 and len(re.findall(r"2024-09-01", everything)) == 42
    )
    assert _name(39) in everything and "陈发展" in everything
    # the 落款: contact line, issuing org, date — after the last row, together on the last page
    last = printed.texts[-1]
    assert "联系人：张书记" in last and "联系电话：08262345678" in last
    tail = last[last.index("联系人") :]
    assert _name(39) not in tail
    assert "东城镇党委" in tail and re.search(r"20\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", tail)


def test_a_notice_without_a_contact_leaves_the_line_to_fill_in(docs, client_as):
    response = client_as(docs.admin).get(
        f"/documents/notice/candidate_notice/?org={docs.town_a1.pk}&start=2026-03-16&working_days=5&download=1"
    )
    text = to_pdf(response.content, ".docx").texts[-1]
    assert "联系人：" in text and "联系电话：" in text


def test_the_briefing_and_the_filing_forms_end_with_the_org_and_the_date(docs, client_as):
    documents = _documents(docs, client_as(docs.admin))
    lines = [
        line.strip() for line in to_pdf(documents["briefing"], ".docx").texts[-1].splitlines() if line.strip()
    ]
    assert lines[-2] == "东城镇党委" and re.fullmatch(r"20\d\d 年 \d{1,2} 月 \d{1,2} 日", lines[-1]), lines[
        -2:
    ]
    for kind in (TemplateKind.ACTIVIST_FILING, TemplateKind.CANDIDATE_FILING):
        text = to_pdf(documents[kind], ".docx").texts[0]
        assert "陈发展" in text and "（盖章）" in text, kind


def test_a_wrong_contact_phone_is_refused_in_chinese_and_nothing_is_generated(docs, client_as):
    response = client_as(docs.admin).get(
        f"/documents/notice/candidate_notice/?org={docs.town_a1.pk}&start=2026-03-16&working_days=5"
        "&contact_phone=138abcd5678&download=1"
    )
    assert response.status_code == 400 and "电话号码格式不正确" in response.content.decode()


def test_a_frontline_admission_prints_its_basis_in_the_remarks(docs, client_as):
    from dangjian.development.models import Case

    case = docs.people["cand1"].case
    Case.objects.filter(pk=case.pk).update(special_basis="2020疫情防控一线")
    client = client_as(docs.admin)
    form = client.get(f"/documents/case/{case.pk}/candidate_filing/")
    assert "火线入党：2020疫情防控一线" in "".join(to_pdf(form.content, ".docx").texts).replace(" ", "")
    other = client.get(f"/documents/case/{docs.people['cand2'].case.pk}/candidate_filing/")
    assert "火线入党" not in "\n".join(to_pdf(other.content, ".docx").texts)
