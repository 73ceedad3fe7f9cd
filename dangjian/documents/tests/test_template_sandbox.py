"""Word templates run only in Jinja's sandbox: no tag reaches Python internals, at upload or later."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from dangjian.documents import word
from dangjian.documents.models import DocumentTemplate, TemplateKind

pytestmark = pytest.mark.django_db
NOTICE = "start=2026-03-16&working_days=5&download=1"  # the window 陈发展 and 周发展 are on

PAYLOADS = [
    "{{ cycler.__init__.__globals__.os.popen('echo PWNED-$((6*7))').read() }}",
    "{{ ''.__class__.__mro__ }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
    "{{ org_name.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ people.__class__ }}",
    "{{ people.append('x') }}",
]


def _with_paragraph(kind: str, text: str) -> bytes:
    document = docx.Document(io.BytesIO(word.default_template(kind)))
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_refused_at_upload_and_nothing_stored(docs, client_as, settings, tmp_path, payload):
    settings.MEDIA_ROOT = tmp_path
    content = _with_paragraph(TemplateKind.CANDIDATE_NOTICE, payload)
    response = client_as(docs.admin).post(
        "/documents/templates/",
        {"kind": "candidate_notice", "action": "upload", "file": SimpleUploadedFile("t.docx", content)},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "PWNED-42" not in body and "uid=" not in body
    assert any(word in body for word in ("不允许", "未提供的变量", "无法生成"))
    assert not DocumentTemplate.objects.exists()
    assert not list(tmp_path.rglob("*.docx"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_already_stored_is_harmless(docs, client_as, settings, tmp_path, payload):
    """A template planted before the sandbox (or straight into the media folder) runs no code."""
    settings.MEDIA_ROOT = tmp_path
    marker = tmp_path / "ran"
    planted = payload.replace("echo PWNED-$((6*7))", f"touch {marker}")
    template = DocumentTemplate(
        kind=TemplateKind.CANDIDATE_NOTICE, original_name="old.docx", uploaded_by=docs.admin
    )
    template.file.save("old.docx", ContentFile(_with_paragraph(TemplateKind.CANDIDATE_NOTICE, planted)))
    response = client_as(docs.organizer).get(
        f"/documents/notice/candidate_notice/?org={docs.town_a1.pk}&{NOTICE}"
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "无法安全生成文书" in body and "恢复默认模板" in body
    assert "PWNED" not in body and "subclasses" not in body
    assert not marker.exists()


def test_sandbox_still_renders_the_documented_context(docs, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = _with_paragraph(TemplateKind.CANDIDATE_NOTICE, "共{{ count }}人，{{ org_name|length }}字")
    response = client_as(docs.admin).post(
        "/documents/templates/",
        {"kind": "candidate_notice", "action": "upload", "file": SimpleUploadedFile("t.docx", content)},
    )
    assert response.status_code == 302
    out = client_as(docs.organizer).get(f"/documents/notice/candidate_notice/?org={docs.town_a1.pk}&{NOTICE}")
    assert out.status_code == 200 and "共2人，5字" in _text(out.content)


def test_unknown_variable_refused_naming_the_allowed_ones(docs, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = _with_paragraph(
        TemplateKind.ACTIVIST_FILING, "{% if settings %}{{ settings.SECRET_KEY }}{% endif %}"
    )
    response = client_as(docs.admin).post(
        "/documents/templates/",
        {"kind": "activist_filing", "action": "upload", "file": SimpleUploadedFile("t.docx", content)},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "未提供的变量：settings" in body and "person" in body
    assert not DocumentTemplate.objects.exists()


def test_render_passes_only_documented_keys():
    kind = TemplateKind.CANDIDATE_NOTICE
    content = _with_paragraph(kind, "{{ secret }}")
    with pytest.raises(Exception):  # noqa: B017 - StrictUndefined: the extra key never reaches the template
        word.render_bytes(content, {k: v for k, v in word.sample_context(kind).items()})
    context = {**word.sample_context(kind), "secret": "SECRET-VALUE"}
    filtered = {k: v for k, v in context.items() if k in word.context_keys(kind)}
    assert "secret" not in filtered


def test_template_that_inflates_past_the_cap_is_refused(docs, client_as, settings, tmp_path):
    """A few hundred KB that inflate to 48 MB never reach python-docx."""
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    default = io.BytesIO(word.default_template(TemplateKind.CANDIDATE_NOTICE))
    with (
        zipfile.ZipFile(default) as source,
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as out,
    ):
        for info in source.infolist():
            out.writestr(info, source.read(info))
        out.writestr("word/media/padding.xml", b" " * (48 * 1024 * 1024))
    content = buffer.getvalue()
    assert len(content) < 300 * 1024
    response = client_as(docs.admin).post(
        "/documents/templates/",
        {"kind": "candidate_notice", "action": "upload", "file": SimpleUploadedFile("t.docx", content)},
    )
    assert response.status_code == 400
    assert "解压后为 48MB，超过单个部件上限 20MB" in response.content.decode()
    assert not DocumentTemplate.objects.exists()
