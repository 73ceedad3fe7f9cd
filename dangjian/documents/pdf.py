"""PDF reports (WeasyPrint) from Django HTML templates.

CJK text needs a CJK font on the machine: `.ci/run` installs Debian's `fonts-wqy-zenhei` (文泉驿正黑),
and the print stylesheet asks for it first (see templates/documents/print_base.html).
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: loads Pango

    return HTML(string=html).write_pdf()


def render_pdf(template: str, context: dict) -> bytes:
    # Documents are Chinese whatever language the user's pages are in.
    with translation.override("zh-hans"):
        return html_to_pdf(render_to_string(template, context))
