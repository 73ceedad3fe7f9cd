"""Word documents from docxtpl templates, read back with python-docx; replacing a template."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.documents import word
from dangjian.documents.models import DocumentTemplate, TemplateKind

pytestmark = pytest.mark.django_db
NOTICE = "start=2026-03-16&working_days=5&download=1"  # the window 陈发展 and 周发展 are on


def _text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_candidate_notice_names_the_candidates_of_the_subtree(docs, client_as):
    client = client_as(docs.organizer)
    response = client.get(f"/documents/notice/candidate_notice/?org={docs.town_a1.pk}&{NOTICE}")
    assert response.status_code == 200
    text = _text(response.content)
    assert "东城镇党委关于拟确定发展对象的公示" in text
    assert "陈发展" in text and "周发展" in text and "刘医生" not in text
    assert "2024-03-01" in text  # application date, on one line in its column
    assert "公示时间：2026年3月16日至2026年3月20日" in text
    assert "{{" not in text and "{%" not in text
    assert (
        client.get(f"/documents/notice/candidate_notice/?org={docs.county_b.pk}&{NOTICE}").status_code == 404
    )
    # the old address asks for the window first
    old = client.get(f"/documents/word/candidate_notice/?org={docs.town_a1.pk}")
    assert old.status_code == 302
    assert old["Location"] == f"/documents/notice/candidate_notice/?org={docs.town_a1.pk}"
    outsider = client_as(docs.outsider)
    assert outsider.get(f"/documents/notice/candidate_notice/?org={docs.city.pk}&{NOTICE}").status_code == 404


def test_other_org_documents_render(docs, client_as):
    client = client_as(docs.admin)
    response = client.get(f"/documents/word/approval_summary/?org={docs.city.pk}")
    assert response.status_code == 200 and "接收预备党员审批汇总表" in _text(response.content)
    assert client.get(f"/documents/word/nonsense/?org={docs.city.pk}").status_code == 404
    assert client.get(f"/documents/notice/nonsense/?org={docs.city.pk}").status_code == 404


def test_filing_forms_of_a_case(docs, client_as):
    case = docs.people["cand1"].case
    client = client_as(docs.secretary)
    for kind, title in (("activist_filing", "入党积极分子备案表"), ("candidate_filing", "发展对象备案表")):
        response = client.get(f"/documents/case/{case.pk}/{kind}/")
        assert response.status_code == 200
        text = _text(response.content)
        assert title in text and "陈发展" in text and "2024年9月1日" in text and "大学本科" in text
    assert "2026年3月15日" in _text(client.get(f"/documents/case/{case.pk}/candidate_filing/").content)
    assert client_as(docs.outsider).get(f"/documents/case/{case.pk}/activist_filing/").status_code == 404


def _upload(client, kind, content, name="t.docx"):
    return client.post(
        "/documents/templates/", {"kind": kind, "action": "upload", "file": SimpleUploadedFile(name, content)}
    )


def test_admin_replaces_a_template_and_the_newest_wins(docs, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_as(docs.admin)
    default = client.get("/documents/templates/candidate_notice/?default=1")
    assert default.status_code == 200 and "{{ org_name }}" in _text(default.content)
    document = docx.Document(io.BytesIO(default.content))
    document.add_paragraph("本公示由{{ org_name }}组织委员会负责解释。")
    buffer = io.BytesIO()
    document.save(buffer)
    response = _upload(client, "candidate_notice", buffer.getvalue())
    assert response.status_code == 302
    assert DocumentTemplate.objects.get().uploaded_by == docs.admin
    text = _text(client.get(f"/documents/notice/candidate_notice/?org={docs.town_a1.pk}&{NOTICE}").content)
    assert "本公示由东城镇党委组织委员会负责解释。" in text and "陈发展" in text
    # back to the default
    client.post("/documents/templates/", {"kind": "candidate_notice", "action": "reset"})
    text = _text(client.get(f"/documents/notice/candidate_notice/?org={docs.town_a1.pk}&{NOTICE}").content)
    assert "负责解释" not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is not a word file", "不是 Word 文档"),
        ("bad-tag", "未提供的变量：secretary"),
        ("syntax", "标签无法生成文书"),
    ],
)
def test_bad_upload_is_refused_in_chinese_and_changes_nothing(
    docs, client_as, settings, tmp_path, content, message
):
    settings.MEDIA_ROOT = tmp_path
    if content in ("bad-tag", "syntax"):
        document = docx.Document(io.BytesIO(word.default_template(TemplateKind.CANDIDATE_NOTICE)))
        document.add_paragraph("{{ secretary.phone }}" if content == "bad-tag" else "{{ org_name ")
        buffer = io.BytesIO()
        document.save(buffer)
        content = buffer.getvalue()
    response = _upload(client_as(docs.admin), "candidate_notice", content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DocumentTemplate.objects.exists()
    assert not list(tmp_path.rglob("*.docx"))


def test_only_admins_manage_templates(docs, client_as):
    for user in (docs.organizer, docs.secretary, docs.outsider):
        client = client_as(user)
        assert client.get("/documents/templates/").status_code == 404
        assert client.get("/documents/templates/candidate_notice/?default=1").status_code == 404
        assert (
            _upload(client, "candidate_notice", word.default_template("candidate_notice")).status_code == 404
        )
    assert not DocumentTemplate.objects.exists()
    assert client_as(docs.root).get("/documents/templates/").status_code == 200


def test_notice_period_counts_working_days_of_the_rule_set_in_force(world):
    import datetime as dt

    from dangjian.development.rulesets import ensure_national
    from dangjian.documents.word import notice_period

    ensure_national()
    # Friday 2026-11-20: 5 working days skip the weekend and end on Thursday the 26th.
    assert notice_period(world.branch_a1_1, dt.date(2026, 11, 20)) == (
        dt.date(2026, 11, 20),
        dt.date(2026, 11, 26),
    )
    # A year whose calendar is not known yet: calendar days, never a guessed working day.
    assert notice_period(world.branch_a1_1, dt.date(2028, 3, 1))[1] == dt.date(2028, 3, 8)
