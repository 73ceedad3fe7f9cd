"""The permission matrix of the development pages, the meeting pages and /api/development/.

Every page and endpoint × every persona × a case inside the secretary's branch (BR-A1-1) and a case
in the other county (BR-B-1). Expected:
  * anonymous                              → 302 to /login/ (pages), 401 (API)
  * object outside the view scope          → 404 (the caller cannot learn it exists)
  * in view scope, right missing           → 403 (the viewer; the secretary on an approval step)
  * permitted                              → the page (200), the redirect after a POST (302), or the
                                             endpoint's success status (200/201/204)
The rights table is written out by hand from the role definitions and the fixture tree; it is not
computed through the scope functions under test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import pytest
import time_machine
from django.urls import reverse

from dangjian.accounts.services import api_token_create
from dangjian.audit.models import ChangeRecord
from dangjian.conftest import World, make_person
from dangjian.development.models import Case, StepRecord
from dangjian.development.services import case_open, step_record
from dangjian.meetings.choices import MeetingKind
from dangjian.meetings.services import meeting_record

D = dt.date
PERSONAS = ("root", "admin", "organizer", "secretary", "viewer", "outsider")
TARGETS = ("in", "out")  # a case in BR-A1-1; a case in BR-B-1 (乙县医院第一党支部, the other county)

V = "view"  # see the case, its org, its meetings
C = "change"  # record steps on the case's branch, open cases, change its status
A = "approve"  # change right on the upper committee (the branch's parent org): approval steps 17, 24
ALL = frozenset({V, C, A})
NONE: frozenset[str] = frozenset()

RIGHTS: dict[str, dict[str, frozenset[str]]] = {
    "root": {"in": ALL, "out": ALL},
    "admin": {"in": ALL, "out": ALL},  # 组织部管理员 on CITY, above both
    "organizer": {"in": ALL, "out": NONE},  # 党委组织员 on TOWN-A1, the branch's parent
    "secretary": {"in": frozenset({V, C}), "out": NONE},  # 支部书记 on BR-A1-1 only
    "viewer": {"in": frozenset({V}), "out": NONE},  # 只读查看 on CTY-A
    "outsider": {"in": NONE, "out": NONE},
}


@dataclass
class Fixture:
    world: World
    cases: dict[str, Case]
    orgs: dict[str, object]
    applicants: dict[str, object]  # people without a case, for case-open
    meetings: dict[str, object]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def fx(world) -> Fixture:
    orgs = {"in": world.branch_a1_1, "out": world.branch_b_1}
    cases, applicants, meetings = {}, {}, {}
    for target, org in orgs.items():
        person = make_person(org, name=f"赵新{target}", standing="applicant", applied_on=D(2022, 3, 1))
        cases[target] = case_open(actor=None, person=person)
        step_record(actor=None, case=cases[target], step=1, on=D(2022, 3, 1))
        applicants[target] = make_person(
            org, name=f"钱申请{target}", standing="applicant", applied_on=D(2023, 1, 5)
        )
        meetings[target] = meeting_record(
            actor=None, org=org, kind=MeetingKind.BRANCH_GENERAL, held_on=D(2024, 6, 28), expected_voters=10,
            present_voters=8,
        )  # fmt: skip
    return Fixture(world, cases, orgs, applicants, meetings)


def expected(persona: str, target: str, needed: str, ok: int) -> int:
    rights = RIGHTS[persona][target]
    if V not in rights:
        return 404
    return ok if needed in rights else 403


def check(cases: list[tuple[str, object, object]]) -> None:
    wrong = [f"{label}: expected {want}, got {got}" for label, want, got in cases if want != got]
    assert not wrong, "\n".join(wrong)


def latest_record(case: Case) -> StepRecord:
    return StepRecord.objects.filter(case=case, is_current=True).order_by("-step", "-on", "-pk").first()


# ---- pages -----------------------------------------------------------------------------------------

# name → (right needed, url of the target)
PAGES: dict[str, tuple[str, Callable[[Fixture, str], str]]] = {
    "development-board": (V, lambda fx, t: reverse("development-board", args=[fx.orgs[t].pk])),
    "case-detail": (V, lambda fx, t: reverse("case-detail", args=[fx.cases[t].pk])),
    "step-form (step 2)": (C, lambda fx, t: reverse("step-form", args=[fx.cases[t].pk, 2])),
    "step-form (approval, step 17)": (A, lambda fx, t: reverse("step-form", args=[fx.cases[t].pk, 17])),
    "case-status": (C, lambda fx, t: reverse("case-status", args=[fx.cases[t].pk])),
    "case-special-basis": (C, lambda fx, t: reverse("case-special-basis", args=[fx.cases[t].pk])),
    "record-return": (C, lambda fx, t: reverse("record-return", args=[latest_record(fx.cases[t]).pk])),
    "due-list (org filter)": (V, lambda fx, t: reverse("due-list") + f"?org={fx.orgs[t].pk}"),
    "meeting-list": (V, lambda fx, t: reverse("meeting-list", args=[fx.orgs[t].pk])),
    "meeting-detail": (V, lambda fx, t: reverse("meeting-detail", args=[fx.meetings[t].pk])),
    "meeting-create": (C, lambda fx, t: reverse("meeting-create", args=[fx.orgs[t].pk])),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages(fx, client_as, persona):
    client = client_as(getattr(fx.world, persona))
    results = []
    for name, (needed, url) in PAGES.items():
        for target in TARGETS:
            got = client.get(url(fx, target)).status_code
            results.append((f"{name} [{target}]", expected(persona, target, needed, 200), got))
    results.append(("due-list", 200, client.get(reverse("due-list")).status_code))
    check(results)


@pytest.mark.parametrize("persona", PERSONAS)
def test_case_open_post(fx, client_as, persona):
    client = client_as(getattr(fx.world, persona))
    results = []
    for target in TARGETS:
        person = fx.applicants[target]
        response = client.post(reverse("case-open", args=[person.pk]))
        want = expected(persona, target, C, 302)
        results.append((f"case-open [{target}]", want, response.status_code))
        opened = Case.objects.filter(person=person).first()
        results.append((f"case-open [{target}] created", want == 302, opened is not None))
        if opened is not None:
            results.append(
                (
                    f"case-open [{target}] redirect",
                    reverse("case-detail", args=[opened.pk]),
                    response["Location"],
                )
            )
    check(results)


# The writing pages, POSTed in this order: record step 2, return it, defer the case.
POSTS: dict[str, tuple[Callable[[Fixture, str], str], dict]] = {
    "step-form (step 2) POST": (
        lambda fx, t: reverse("step-form", args=[fx.cases[t].pk, 2]),
        {"on": "2022-03-10", "note": "谈话"},
    ),
    "record-return POST": (
        lambda fx, t: reverse("record-return", args=[latest_record(fx.cases[t]).pk]),
        {"reason": "材料不全"},
    ),
    "case-status POST": (
        lambda fx, t: reverse("case-status", args=[fx.cases[t].pk]),
        {"status": "deferred", "reason": "本人申请"},
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_writing_pages_post(fx, client_as, persona):
    client = client_as(getattr(fx.world, persona))
    results = []
    for target in TARGETS:
        case = fx.cases[target]
        before = (StepRecord.objects.filter(case=case).count(), ChangeRecord.objects.count())
        for name, (url, data) in POSTS.items():
            response = client.post(url(fx, target), data)
            results.append((f"{name} [{target}]", expected(persona, target, C, 302), response.status_code))
            if response.status_code == 302:
                results.append((f"{name} [{target}] goes to the case", reverse("case-detail", args=[case.pk]),
                                response["Location"]))  # fmt: skip
        case.refresh_from_db()
        after = (StepRecord.objects.filter(case=case).count(), ChangeRecord.objects.count())
        if expected(persona, target, C, 302) == 302:
            results.append((f"[{target}] step 2 recorded then returned", False, StepRecord.objects.filter(
                case=case, step=2, is_current=True).exists()))  # fmt: skip
            results.append((f"[{target}] deferred", "deferred", case.status))
        else:
            results.append((f"[{target}] nothing written", before, after))
            results.append((f"[{target}] still open", "open", case.status))
    check(results)


def test_approval_step_form_refuses_the_branch_secretary_but_not_the_committee(fx, client_as):
    url = reverse("step-form", args=[fx.cases["in"].pk, 17])
    secretary = client_as(fx.world.secretary).get(url)
    assert secretary.status_code == 403
    organizer = client_as(fx.world.organizer).get(url)
    assert organizer.status_code == 200
    assert "TOWN-A1" in organizer.content.decode()  # the approving committee is proposed


def test_record_return_of_a_missing_record_is_not_found(fx, client_as):
    missing = StepRecord.objects.order_by("-pk").first().pk + 1000
    assert client_as(fx.world.admin).get(reverse("record-return", args=[missing])).status_code == 404


# ---- API -------------------------------------------------------------------------------------------


def bearer(user) -> dict:
    _, raw = api_token_create(actor=None, user=user, name="matrix")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


APPROVER = {"in": "TOWN-A1", "out": "CTY-B"}


@dataclass(frozen=True)
class Endpoint:
    method: str
    url: Callable[[Fixture, str], str]
    needed: str
    ok: int
    payload: Callable[[Fixture, str], dict] | None = None
    # Hand-written exceptions to the table: {persona: {target: status}}.
    overrides: dict[str, dict[str, int]] | None = None


API = "/api/development"
ENDPOINTS: dict[str, Endpoint] = {
    "cases list (org filter)": Endpoint("get", lambda fx, t: f"{API}/cases?org={fx.orgs[t].pk}", V, 200),
    "case detail": Endpoint("get", lambda fx, t: f"{API}/cases/{fx.cases[t].pk}", V, 200),
    "preview": Endpoint(
        "post", lambda fx, t: f"{API}/cases/{fx.cases[t].pk}/preview", V, 200,
        lambda fx, t: {"step": 2, "on": "2022-03-10"},
    ),
    "due list (org filter)": Endpoint("get", lambda fx, t: f"{API}/due?org={fx.orgs[t].pk}", V, 200),
    "record a step": Endpoint(
        "post", lambda fx, t: f"{API}/cases/{fx.cases[t].pk}/steps", C, 201,
        lambda fx, t: {"step": 2, "on": "2022-03-10", "note": "书记谈话"},
    ),
    # Permitted, the approval is still refused by the rules (steps 2–16 are missing): 422, not 403.
    "record an approval": Endpoint(
        "post", lambda fx, t: f"{API}/cases/{fx.cases[t].pk}/steps", A, 422,
        lambda fx, t: {"step": 17, "on": "2022-03-10", "org_code": APPROVER[t]},
        # The secretary cannot even see TOWN-A1, so its code is unknown to them: 422 on org_code.
        overrides={"secretary": {"in": 422}},
    ),
    "return a record": Endpoint(
        "post", lambda fx, t: f"{API}/records/{latest_record(fx.cases[t]).pk}/return", C, 204,
        lambda fx, t: {"reason": "材料不全"},
    ),
}  # fmt: skip


def call(client, endpoint: Endpoint, fx: Fixture, target: str, **headers):
    url = endpoint.url(fx, target)
    if endpoint.method == "get":
        return client.get(url, **headers)
    return client.post(url, endpoint.payload(fx, target), content_type="application/json", **headers)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_api(fx, client, name, persona):
    endpoint = ENDPOINTS[name]
    headers = bearer(getattr(fx.world, persona))
    records = StepRecord.objects.count()
    results = []
    for target in TARGETS:
        got = call(client, endpoint, fx, target, **headers).status_code
        want = expected(persona, target, endpoint.needed, endpoint.ok)
        want = (endpoint.overrides or {}).get(persona, {}).get(target, want)
        results.append((f"{name} [{target}]", want, got))
    check(results)
    if endpoint.ok not in (201, 204):
        assert StepRecord.objects.count() == records  # reads and refusals write nothing


# Which cases and due items each persona's unfiltered lists hold.
LISTED = {
    "root": {"in", "out"},
    "admin": {"in", "out"},
    "organizer": {"in"},
    "secretary": {"in"},
    "viewer": {"in"},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_lists_are_scoped(fx, client, persona):
    headers = bearer(getattr(fx.world, persona))
    response = client.get(f"{API}/cases", **headers)
    assert response.status_code == 200
    listed = {item["id"] for item in response.json()["items"]}
    assert listed == {fx.cases[t].pk for t in LISTED[persona]}
    response = client.get(f"{API}/due", **headers)
    assert response.status_code == 200
    due_cases = {item["case_id"] for item in response.json()["items"] if item["case_id"]}
    assert due_cases == {fx.cases[t].pk for t in LISTED[persona]}  # each case has its talk due


def test_api_session_login_works_like_a_token(fx, client_as):
    client = client_as(fx.world.viewer)
    assert client.get(f"{API}/cases/{fx.cases['in'].pk}").status_code == 200
    assert client.get(f"{API}/cases/{fx.cases['out'].pk}").status_code == 404
    response = client.post(
        f"{API}/cases/{fx.cases['in'].pk}/steps",
        {"step": 2, "on": "2022-03-10"},
        content_type="application/json",
    )
    assert response.status_code == 403


# ---- anonymous -------------------------------------------------------------------------------------


def test_anonymous_pages_go_to_login(fx, client):
    wrong = []
    urls = [(name, url(fx, "in")) for name, (_, url) in PAGES.items()]
    urls.append(("due-list", reverse("due-list")))
    for name, url in urls:
        response = client.get(url)
        location = urlsplit(response.get("Location", ""))
        if (
            response.status_code != 302
            or location.path != "/login/"
            or f"next={url}" not in unquote(location.query)
        ):
            wrong.append(f"{name}: {response.status_code} {response.get('Location')}")
    response = client.post(reverse("case-open", args=[fx.applicants["in"].pk]))
    if response.status_code != 302 or urlsplit(response["Location"]).path != "/login/":
        wrong.append(f"case-open: {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert not Case.objects.filter(person=fx.applicants["in"]).exists()


def test_anonymous_api_is_unauthorised(fx, client):
    records = StepRecord.objects.count()
    wrong = []
    for name, endpoint in ENDPOINTS.items():
        got = call(client, endpoint, fx, "in").status_code
        if got != 401:
            wrong.append(f"{name}: {got}")
    for url in (f"{API}/cases", f"{API}/due"):
        if (got := client.get(url).status_code) != 401:
            wrong.append(f"{url}: {got}")
    bad = client.get(f"{API}/cases", HTTP_AUTHORIZATION="Bearer not-a-token").status_code
    if bad != 401:
        wrong.append(f"bad token: {bad}")
    assert not wrong, "\n".join(wrong)
    assert StepRecord.objects.count() == records


def test_expected_table_has_every_outcome():
    """Guard the table itself: pages and endpoints exercise 404, 403 and success."""
    pages = {expected(p, t, n, 200) for p in PERSONAS for t in TARGETS for n, _ in PAGES.values()}
    api = {expected(p, t, e.needed, e.ok) for p in PERSONAS for t in TARGETS for e in ENDPOINTS.values()}
    assert pages == {200, 403, 404}
    assert {403, 404, 200, 201, 204, 422} <= api


def test_api_approval_by_the_secretary_is_refused_on_the_org_code(fx, client):
    url = f"{API}/cases/{fx.cases['in'].pk}/steps"
    payload = {"step": 17, "on": "2022-03-10", "org_code": "TOWN-A1"}
    response = client.post(url, payload, content_type="application/json", **bearer(fx.world.secretary))
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["org_code"]
    # Naming their own branch instead passes the right check and fails the approval rule.
    payload["org_code"] = "BR-A1-1"
    response = client.post(url, payload, content_type="application/json", **bearer(fx.world.secretary))
    assert response.status_code == 422
    assert "上级党委" in response.json()["errors"]["__all__"][0]
