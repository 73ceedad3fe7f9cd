"""Chinese is the source language and the default; English is available (catalog in dangjian/locale).

- The English catalog is complete: every msgid has an English msgstr, nothing is fuzzy, and every
  string marked for translation in the templates and the Python code is in the catalog.
- No template holds Chinese text outside the translate tags.
- The pages render in English for Accept-Language: en (or after choosing English in the switch),
  in Chinese without any choice, and the only Chinese left on an English page is data.
- Services' messages follow the active language, while the stored change log stays Chinese.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import polib
import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dangjian.audit.services import history_for
from dangjian.conftest import make_person, valid_id_number
from dangjian.orgs.models import Org
from dangjian.people.models import ETHNICITIES, Person
from dangjian.people.services import person_create, person_update
from dangjian.shell.management.commands.compilecatalogs import LOCALE_DIR, compile_catalogs

PACKAGE = Path(__file__).resolve().parents[2]
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Each language is named in its own language in the switch; 500.html is a static bilingual page
# rendered without the request's context when everything else has failed.
ALLOWED_CHINESE = ("中文",)
STATIC_TEMPLATES = {"500.html"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """LocaleMiddleware activates the request's language in this thread: do not leak English."""
    yield
    translation.deactivate()


def _catalog() -> polib.POFile:
    return polib.pofile(str(EN_PO), encoding="utf-8")


def _key(msgid: str, context: str | None = None) -> tuple[str | None, str]:
    return (context or None, msgid)


# --- the catalog ---------------------------------------------------------------------------------


def test_every_msgid_has_an_english_translation_and_none_is_fuzzy():
    po = _catalog()
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == "en"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert len(po) > 300
    assert not po.obsolete_entries()
    assert not po.fuzzy_entries()
    for entry in po:
        assert "fuzzy" not in entry.flags, entry.msgid
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        assert translations and all(t.strip() for t in translations), f"no English for {entry.msgid!r}"
        for text in translations:
            assert not CJK.search(text.replace("“", "").replace("”", "")), f"Chinese left in {text!r}"
            # The same named placeholders, so `%` formatting cannot fail in either language.
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(entry.msgid)) or (
                entry.msgid_plural and set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(entry.msgid))
            ), entry.msgid


def test_compilecatalogs_writes_a_loadable_mo_and_skips_unchanged(tmp_path):
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    (target / "django.po").write_bytes(EN_PO.read_bytes())
    assert compile_catalogs(tmp_path) == [target / "django.mo"]
    assert compile_catalogs(tmp_path) == []  # up to date: not rewritten
    mo = polib.mofile(str(target / "django.mo"))
    assert {e.msgid: e.msgstr for e in mo}["党支部"] == "Party branch"


def _template_files() -> list[Path]:
    return sorted(p for p in PACKAGE.glob("*/templates/**/*.html") if p.name not in STATIC_TEMPLATES)


TRANSLATE_TAG = re.compile(
    r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1(?:\s+context\s+(["'])(.*?)\3)?[^%]*%\}"""
)
BLOCK = re.compile(
    r"\{%\s*(?:blocktranslate|blocktrans)\b(.*?)%\}(.*?)\{%\s*(?:endblocktranslate|endblocktrans)\s*%\}", re.S
)
BLOCK_CONTEXT = re.compile(r"""\bcontext\s+(["'])(.*?)\1""")
COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)


def _block_msgid(options: str, body: str) -> str:
    singular = re.split(r"\{%\s*plural\s*%\}", body)[0]
    msgid = re.sub(r"\{\{\s*(\w+)\s*\}\}", r"%(\1)s", singular.replace("%", "%%"))
    if re.search(r"\btrimmed\b", options):
        msgid = re.sub(r"\s*\n\s*", " ", msgid.strip())
    return msgid


def _template_msgids() -> set[tuple[str | None, str]]:
    keys = set()
    for path in _template_files():
        source = COMMENTS.sub("", path.read_text(encoding="utf-8"))
        for match in TRANSLATE_TAG.finditer(source):
            keys.add(_key(match.group(2), match.group(4)))
        for match in BLOCK.finditer(source):
            context = BLOCK_CONTEXT.search(match.group(1))
            keys.add(_key(_block_msgid(match.group(1), match.group(2)), context and context.group(2)))
    return keys


GETTEXT_FUNCS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
PGETTEXT_FUNCS = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def _python_msgids() -> set[tuple[str | None, str]]:
    keys = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        if {"tests", "migrations", "e2e"} & set(path.relative_to(PACKAGE).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            args = [
                a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                for a in node.args
            ]
            if name in GETTEXT_FUNCS and args and args[0] is not None:
                keys.add(_key(args[0]))
            elif name in PGETTEXT_FUNCS and len(args) > 1 and None not in args[:2]:
                keys.add(_key(args[1], args[0]))
    return keys


def test_every_marked_string_is_in_the_catalog():
    catalog = {_key(e.msgid, e.msgctxt) for e in _catalog()}
    marked = _template_msgids() | _python_msgids()
    assert len(marked) > 300
    missing = sorted(marked - catalog, key=str)
    assert not missing, (
        "strings marked for translation but missing from the English catalog — run "
        "`dangjian makemessages -l en` (in dangjian/) and translate them: " + repr(missing)
    )


def _blank(match: re.Match) -> str:
    return "\n" * match.group(0).count("\n")  # keep the line numbers


def test_templates_have_no_chinese_outside_translate_tags():
    problems = []
    for path in _template_files():
        source = COMMENTS.sub(_blank, path.read_text(encoding="utf-8"))
        source = BLOCK.sub(_blank, TRANSLATE_TAG.sub(_blank, source))
        for allowed in ALLOWED_CHINESE:
            source = source.replace(f">{allowed}<", "><")
        for number, line in enumerate(source.splitlines(), start=1):
            if CJK.search(line):
                problems.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert not problems, "untranslated Chinese in templates:\n" + "\n".join(problems)


# --- pages ---------------------------------------------------------------------------------------


def _chinese_outside_data(html: str) -> list[str]:
    """Chinese left on a page once the data (names of orgs and people, ethnicities) is removed."""
    data = [*Org.objects.values_list("name", flat=True), *Person.objects.values_list("name", flat=True)]
    data += [*ETHNICITIES, *ALLOWED_CHINESE]
    for text in sorted(data, key=len, reverse=True):
        html = html.replace(text, "")
    return sorted({m.group(0) for m in re.finditer(r"[^<>\"]*" + CJK.pattern + r"[^<>\"]*", html)})


def test_login_page_is_chinese_by_default_and_english_for_an_english_browser(db, client):
    chinese = client.get("/login/").content.decode()
    assert '<html lang="zh-CN">' in chinese
    assert "基层党组织工作信息系统" in chinese and "用户名" in chinese

    english = client.get("/login/", **ENGLISH).content.decode()
    assert '<html lang="en">' in english
    assert "Information system for grassroots Party organization work" in english
    assert "Username" in english and "Password" in english and "Sign in" in english
    for label in ("基层党组织工作信息系统", "用户名", "密码", "登录"):
        assert label not in english
    assert _chinese_outside_data(english) == []


def test_home_page_in_english_and_in_chinese(world, client_as):
    client = client_as(world.admin)
    english = client.get("/", **ENGLISH).content.decode()
    for text in ("Overview", "Jurisdiction:", "Organizations", "Find people", "Sign out", "Full member",
                 "Party branches", "Organization department administrator"):  # fmt: skip
        assert text in english, text
    for label in ("工作概况", "管理范围", "组织架构", "人员查询", "退出", "正式党员", "组织部管理员"):
        assert label not in english
    assert world.city.name in english  # data stays as it is
    assert _chinese_outside_data(english) == []

    chinese = client.get("/").content.decode()
    for label in ("工作概况", "管理范围", "组织架构", "人员查询", "退出", "正式党员", "组织部管理员"):
        assert label in chinese
    assert "Overview" not in chinese


@pytest.mark.parametrize(
    "page",
    ["org-tree", "org-detail", "org-children", "org-edit", "org-create-child", "org-move", "org-dissolve",
     "person-detail", "person-edit", "person-reduce", "person-create", "search"],
)  # fmt: skip
def test_every_page_has_no_chinese_but_data_in_english(world, client_as, page):
    client = client_as(world.admin)
    person = world.people["in_branch"]
    urls = {
        "org-tree": "/orgs/",
        "org-detail": f"/orgs/{world.branch_a1_1.pk}/",
        "org-children": f"/orgs/{world.town_a1.pk}/children/",
        "org-edit": f"/orgs/{world.branch_a1_1.pk}/edit/",
        "org-create-child": f"/orgs/{world.town_a1.pk}/new/",
        "org-move": f"/orgs/{world.branch_a1_1.pk}/move/",
        "org-dissolve": f"/orgs/{world.branch_a1_2.pk}/dissolve/",
        "person-detail": f"/people/{person.pk}/?reveal=1",
        "person-edit": f"/people/{person.pk}/edit/",
        "person-reduce": f"/people/{person.pk}/reduce/",
        "person-create": f"/people/new/in/{world.branch_a1_1.pk}/",
        "search": "/search/?q=zxf",
    }
    response = client.get(urls[page], **ENGLISH)
    assert response.status_code == 200
    assert _chinese_outside_data(response.content.decode()) == []


def test_english_form_shows_english_service_errors(world, client_as):
    client = client_as(world.secretary)
    number = valid_id_number()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    response = client.post(
        f"/people/new/in/{world.branch_a1_1.pk}/",
        {"name": "吕晓雯", "id_number": wrong, "ethnicity": "汉族", "category": "other",
         "org_code": world.branch_a1_1.code, "standing": "applicant", "applied_on": "2023-04-01"},
        **ENGLISH,
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert "The check digit of the citizen ID number is wrong" in body
    assert "校验码" not in body
    assert _chinese_outside_data(body.replace("吕晓雯", "")) == []


def test_language_switch_remembers_english_over_the_browser(world, client_as):
    client = client_as(world.secretary)
    home = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in home and ">中文<" in home and ">English<" in home
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/orgs/"})
    assert response.status_code == 302 and response["Location"] == "/orgs/"
    assert "Organizations" in client.get("/orgs/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"}, **ENGLISH)
    assert "组织架构" in client.get("/", **ENGLISH).content.decode()


# --- services and the change log ------------------------------------------------------------------


def test_service_validation_error_follows_the_active_language(world):
    fields = dict(
        actor=None, org=world.branch_a1_1, name="吕晓雯", id_number="51160219900517001", standing="applicant",
        applied_on=dt.date(2015, 1, 1),
    )  # fmt: skip
    with translation.override("en"), pytest.raises(ValidationError) as english:
        person_create(**fields)
    assert english.value.message_dict["id_number"] == [
        "A citizen ID number must have 18 characters (this one has 17)."
    ]
    with pytest.raises(ValidationError) as chinese:
        person_create(**fields)
    assert chinese.value.message_dict["id_number"] == ["公民身份号码应为18位（当前17位）。"]

    with translation.override("en"), pytest.raises(ValidationError) as milestone:
        make_person(world.branch_a1_1, name="赵六", standing="probationary", admitted_on=None)
    assert milestone.value.message_dict["admitted_on"] == [
        "“Date admitted as probationary member” is required when the stage is “Probationary member”."
    ]


def test_change_log_is_stored_in_chinese_and_shown_in_english(world, client_as):
    person = world.people["in_branch"]
    with translation.override("en"):
        person_update(actor=world.secretary, person=person, category="teacher", phone="13812345678")
    change = history_for(person).first()
    assert change.after["人员类别"] == "教师"
    assert change.after["联系电话"] == "（已修改，内容不记录）"

    body = client_as(world.secretary).get(f"/people/{person.pk}/", **ENGLISH).content.decode()
    assert "Personnel category: " in body and "Teachers" in body
    assert "Phone: " in body and "(changed; value not recorded)" in body
    assert "Updated" in body and "File created" in body
    assert _chinese_outside_data(body) == []
