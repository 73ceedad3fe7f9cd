"""Scope sweep: every URL pattern and every API operation, as every limited persona, against objects
outside that persona's scope. No response may be a 5xx, and none may carry an out-of-scope name, org
name, org code or ID number (full or masked), wherever in the body (xlsx/docx/zip members included).

The out-of-scope objects live under 乙县委 (CTY-B), outside secretary, organizer and viewer; the
outsider holds no role at all. Path parameters are filled from the parameter's name where it names a
model (org_pk, person_pk, pk of a case page …) and, to catch views that load the wrong model, also
with every out-of-scope pk for every int parameter; str/slug/path parameters get the out-of-scope
codes.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from dangjian.accounts.services import api_token_create
from dangjian.base.idnumber import make_id_number, mask_id_number
from dangjian.conftest import make_person
from dangjian.development.rulesets import ensure_national, ruleset_create
from dangjian.development.services import case_open, step_record
from dangjian.documents.services import export_start
from dangjian.meetings.choices import MeetingKind
from dangjian.meetings.services import meeting_record
from dangjian.mobilization import services as mob
from dangjian.orgs.services import org_create

pytestmark = pytest.mark.django_db

# Not swept, each for a reason:
EXCLUDED_NAMES = {
    "logout": "ends the session the sweep runs in",
    "set_language": "language switch; no data",
    "login": "public page, shows no data",
}
# Regex patterns are not filled: Django's admin app index `^(?P<app_label>…)/$` and its catch-all, both
# answered with the admin login for everyone but superusers (the routed admin URLs are swept).
EXCLUDED_PREFIXES = {
    "api/": "the ninja API is swept operation by operation from its OpenAPI schema below",
    "static/": "static files",
    "media/": "uploaded files are served only through the scoped download views",
}

# Answers that show org names and codes outside the user's scope on purpose (and nothing else):
ORG_DIRECTORIES = {
    "/api/transfers/orgs": "组织关系转接: the sender finds the receiving org among all orgs, by name and code "
    "only (issue 14); person names and ID numbers are still checked",
}

SECRET_ORG = "乙县保密党支部"
SECRET_CODE = "SECRET-BR-B"
SECRET_NAMES = ["蔺秘岚", "蒯隐川", "李小艳"]
D = dt.date


def _secret_world(world) -> dict:
    """Build the out-of-scope objects; return {kind: pk} and the texts that must never show."""
    ensure_national()
    admin = world.admin
    branch = org_create(
        actor=admin, parent=world.general_branch_b, code=SECRET_CODE, name=SECRET_ORG, kind="branch",
        unit_type="hospital", founded_on=D(2001, 7, 1),
    )  # fmt: skip
    ids = [make_id_number("110101", D(1990, 1, 1), 7, "F"), make_id_number("110101", D(1980, 2, 2), 9, "M")]
    contact = make_person(branch, name="蒯隐川", id_number=ids[1], birth_date=D(1980, 2, 2), gender="M")
    applicant = make_person(branch, name="蔺秘岚", standing="applicant", id_number=ids[0],
                            birth_date=D(1990, 1, 1), gender="F", applied_on=D(2023, 3, 1))  # fmt: skip
    case = case_open(actor=admin, person=applicant)
    records = [
        step_record(actor=admin, case=case, step=step, on=on, data=data)
        for step, on, data in ((1, D(2023, 3, 1), {}), (2, D(2023, 3, 15), {}), (3, D(2023, 5, 10), {}),
                               (4, D(2023, 5, 20), {}), (5, D(2023, 5, 21), {"contacts": [contact.pk]}))
    ]  # fmt: skip
    meeting = meeting_record(
        actor=admin, org=branch, kind=MeetingKind.BRANCH_COMMITTEE, held_on=D(2024, 6, 28),
        expected_voters=5, present_voters=5, title="乙县秘密支委会",
    )  # fmt: skip
    campaign = mob.campaign_create(actor=admin, org=world.county_b, name="乙县秘密动员", kind="flood",
                                   code="MOB-SECRET-B", starts_on=D(2024, 7, 1))  # fmt: skip
    team = mob.team_create(actor=admin, campaign=campaign, org=branch, kind="shock", name="乙县秘密突击队",
                           starts_on=D(2024, 7, 2), leader=contact)  # fmt: skip
    post = mob.post_create(actor=admin, campaign=campaign, org=branch, kind="post", name="乙县秘密先锋岗",
                           place="乙县医院", holder=contact, starts_on=D(2024, 7, 2))  # fmt: skip
    temporary = mob.temporary_org_create(
        actor=admin, campaign=campaign, parent=world.county_b, kind="temp_branch", name="乙县秘密临时党支部",
        approved_by=world.county_b, approved_on=D(2024, 7, 1), secretary=contact, code="TMP-SECRET-B",
    )  # fmt: skip
    grid = mob.grid_node_save(actor=admin, campaign=campaign, org=branch, compound="乙县秘密小区",
                              lead=mob.GridLead(person=contact), since=D(2024, 7, 3))  # fmt: skip
    ruleset = ruleset_create(actor=admin, code="RS-SECRET-B", name="乙县保密规定", org=world.county_b,
                             effective_from=D(2024, 1, 1))  # fmt: skip
    job = export_start(user=admin, kind="roster", org=branch)
    person_b = world.people["county_b"]
    pks = {
        "org": branch.pk, "county": world.county_b.pk, "general_branch": world.general_branch_b.pk,
        "person": applicant.pk, "contact": contact.pk, "person_b": person_b.pk, "case": case.pk,
        "record": records[-1].pk, "meeting": meeting.pk, "campaign": campaign.pk, "team": team.pk,
        "post": post.pk, "ruleset": ruleset.pk, "job": job.pk, "temporary": temporary.pk,
        "temporary_org": temporary.org_id, "grid": grid.pk,
    }  # fmt: skip
    numbers = [*ids, person_b.id_number]
    texts = [
        *SECRET_NAMES, SECRET_ORG, "乙县医院第一党支部", "乙县医院党总支", "乙县委", "乙县秘密支委会", "乙县秘密动员",
        "乙县秘密突击队", "乙县秘密先锋岗", "乙县保密规定", "乙县秘密临时党支部", "乙县秘密小区", "TMP-SECRET-B", SECRET_CODE, "BR-B-1", "GB-B-1", "CTY-B", "MOB-SECRET-B",
        "RS-SECRET-B", *numbers, *(mask_id_number(n) for n in numbers),
    ]  # fmt: skip
    codes = [SECRET_CODE, "CTY-B", "MOB-SECRET-B", "RS-SECRET-B"]
    return {"pks": pks, "texts": texts, "codes": codes, "numbers": numbers}


# Which pk a parameter name (or, for a bare `pk`, the URL's name) stands for.
PARAM_KINDS = {
    "org_pk": "org", "org_id": "org", "person_pk": "person", "person_id": "person", "case_pk": "case",
    "case_id": "case", "campaign_pk": "campaign", "campaign_id": "campaign", "team_pk": "team",
    "meeting_pk": "meeting", "record_pk": "record", "post_pk": "post", "job_pk": "job",
}  # fmt: skip
NAME_KINDS = [
    ("org", "org"), ("person", "person"), ("case", "case"), ("record", "record"), ("meeting", "meeting"),
    ("campaign", "campaign"), ("team", "team"), ("post", "post"), ("ruleset", "ruleset"), ("job", "job"),
    ("temporary", "temporary"), ("grid", "grid"),
]  # fmt: skip


def _patterns(resolvers=None, prefix=""):
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        route = str(entry.pattern) if isinstance(entry.pattern, RoutePattern) else None
        if route is None:
            yield prefix, entry, None  # a regex pattern: reported, not filled
            continue
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route, entry, entry.pattern.converters


PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _words() -> list[str]:
    from dangjian.documents.models import TemplateKind
    from dangjian.documents.selectors import CAMPAIGN_FIGURES, PERSON_FIGURES

    return [*TemplateKind.values, *PERSON_FIGURES, *CAMPAIGN_FIGURES]


WORDS = _words()


def _fillings(route: str, url_name: str, secret: dict) -> list[str]:
    params = [(m.group("conv") or "str", m.group("name")) for m in PARAM.finditer(route)]
    if not params:
        return ["/" + route]
    pks = secret["pks"]
    matched = {}
    for conv, name in params:
        if conv == "int":
            kind = PARAM_KINDS.get(name) or next((k for n, k in NAME_KINDS if n in (url_name or "")), "org")
            matched[name] = str(pks[kind])
        else:
            matched[name] = secret["codes"][0]
    fillings = [matched]
    for word in WORDS:
        fillings.append({name: word if conv == "str" else matched[name] for conv, name in params})
    for value in sorted(set(pks.values())):
        fillings.append(
            {name: str(value) if conv in ("int", "path") else matched[name] for conv, name in params}
        )
    for code in secret["codes"]:
        fillings.append({name: code if conv != "int" else matched[name] for conv, name in params})
    urls = []
    for values in fillings:
        url = "/" + PARAM.sub(lambda m, v=values: v[m.group("name")], route)
        if url not in urls:
            urls.append(url)
    return urls


def _body(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    text = data.decode("utf-8", "replace")
    if data[:2] == b"PK":  # xlsx, docx, zip: the names are inside the compressed members
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            text += "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    if response.get("Content-Type", "").startswith("application/json"):  # names arrive as \uXXXX escapes
        text += json.dumps(json.loads(data or b"null"), ensure_ascii=False)
    text += "".join(f"{k}: {v}" for k, v in response.items())
    return text


STATUSES: list[int] = []  # every answer's status, to show the sweep reached the views


def _check(response, where: str, texts: list[str], problems: list[str]) -> None:
    STATUSES.append(response.status_code)
    if response.status_code >= 500:
        problems.append(f"{where} → {response.status_code}")
        return
    url = where.split(" ")[-1].split("?")[0]
    body = _body(response).replace(url, "")  # a 404 page may echo the address the client typed
    for text in texts:
        if text in body:
            problems.append(f"{where} shows “{text}”")


def _sweep_pages(client, secret: dict, problems: list[str]) -> int:
    count = 0
    for route, entry, converters in _patterns():
        if converters is None:
            continue  # regex patterns: only the admin's app index (superusers only)
        name = getattr(entry, "name", None) or ""
        if name in EXCLUDED_NAMES or any(route.startswith(p) for p in EXCLUDED_PREFIXES):
            continue
        urls = _fillings(route, name, secret)
        for url in urls:
            _check(client.get(url), f"GET {url}", secret["texts"], problems)
            count += 1
        # Empty POSTs and the filters of list pages, with the parameters named after their model.
        _check(client.post(urls[0], {}), f"POST {urls[0]}", secret["texts"], problems)
        worded = [u for u in urls if any(f"/{w}/" in u for w in WORDS)]  # /documents/word/<kind>/?org=
        for url in [urls[0], *worded]:
            for query in _queries(secret):
                # What the client typed may be echoed back (a search box, the language switch's `next`).
                typed = url + " ".join(str(v) for v in query.values())
                texts = [t for t in secret["texts"] if t not in typed]
                _check(client.get(url, query), f"GET {url}?{query}", texts, problems)
    return count


def _queries(secret: dict) -> list[dict]:
    pks = secret["pks"]
    by_pk = {"org": pks["org"], "person": pks["person"], "case": pks["case"], "campaign": pks["campaign"],
             "team": pks["team"], "meeting": pks["meeting"], "ruleset": pks["ruleset"], "parent": pks["org"],
             "for": pks["org"], "q": "蔺秘岚", "unmask": "1", "reveal": "1", "direct": "1"}  # fmt: skip
    by_code = {"org": SECRET_CODE, "org_code": SECRET_CODE, "campaign": "MOB-SECRET-B", "q": secret["numbers"][0],
               "code": SECRET_CODE, "ruleset": "RS-SECRET-B", "new_parent_code": SECRET_CODE,
               "name": "乙县"}  # fmt: skip
    return [by_pk, by_code, {"q": "乙县", "term": "乙县"}]


def _org_texts() -> set[str]:
    from dangjian.orgs.models import Org

    return {text for pair in Org.objects.values_list("name", "code") for text in pair}


def _converter(kind: str | None, name: str) -> str:
    return f"<str:{name}>" if kind == "string" else f"<int:{name}>"


def _sweep_api(client, token: str, secret: dict, problems: list[str]) -> int:
    from dangjian.api.api import api

    schema = api.get_openapi_schema(path_prefix="/api")
    headers = {"Authorization": f"Bearer {token}"}
    count = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            types = {p["name"]: p.get("schema", {}).get("type") for p in operation.get("parameters", [])}
            route = re.sub(r"\{(\w+)\}", lambda m, t=types: _converter(t.get(m.group(1)), m.group(1)), path)
            route = route.lstrip("/")
            urls = _fillings(route, operation.get("operationId", ""), secret)
            for url in urls:
                call = getattr(client, method)
                kwargs = {"headers": headers}
                if method in ("post", "put", "patch"):
                    kwargs.update(data="{}", content_type="application/json")
                _check(call(url, **kwargs), f"API {method.upper()} {url}", secret["texts"], problems)
                count += 1
            if method == "get":  # the filters of the list operations (org=, campaign=, q= …)
                for query in _queries(secret):
                    typed = urls[0] + " ".join(str(v) for v in query.values())
                    texts = [t for t in secret["texts"] if t not in typed]
                    if urls[0].split("?")[0] in ORG_DIRECTORIES:
                        texts = [t for t in texts if t not in _org_texts()]
                    response = client.get(urls[0], query, headers=headers)
                    _check(response, f"API GET {urls[0]}?{query}", texts, problems)
    return count


@pytest.mark.parametrize("persona", ["secretary", "organizer", "viewer", "outsider"])
def test_nothing_out_of_scope_shows_anywhere(world, client, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    secret = _secret_world(world)
    user = getattr(world, persona)
    _, token = api_token_create(actor=None, user=user, name="sweep")
    problems: list[str] = []
    client.force_login(user)
    STATUSES.clear()
    api_calls = _sweep_api(client, token, secret, problems)  # first: a page may revoke the token
    api_ok = STATUSES.count(200)
    pages = _sweep_pages(client, secret, problems)
    pages_ok = STATUSES.count(200) - api_ok
    # The sweep really reached the views: the persona's own lists answer (the outsider's home page too).
    assert api_calls > 20 and pages > 100 and pages_ok > 10
    assert api_ok > 0 or persona == "outsider"
    assert not problems, f"{persona}: {len(problems)} leaks or errors:\n" + "\n".join(sorted(set(problems)))
