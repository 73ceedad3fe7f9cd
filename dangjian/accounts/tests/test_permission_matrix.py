"""Every page × every persona × in and out of scope (NetBox-style generated matrix).

Expected for a GET:
  * anonymous                        → 302 to /login/
  * object outside the view scope    → 404 (the caller cannot learn it exists)
  * in view scope, right missing     → 403
  * permitted                        → 200
The rights table below is written out by hand from the role definitions and the fixture tree; it
is deliberately not computed through the scope functions under test.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote, urlsplit

import pytest
from django.urls import reverse

from dangjian.accounts.models import Role
from dangjian.accounts.services import role_grant
from dangjian.audit.models import ChangeRecord
from dangjian.conftest import PASSWORD
from dangjian.people.models import Person

PERSONAS = ("root", "admin", "organizer", "secretary", "viewer", "outsider")

V, P, OG = "view", "change_person", "change_org"
ALL = frozenset({V, P, OG})
NONE: frozenset[str] = frozenset()

# Targets: an org and a person inside the secretary's branch, in the neighbouring branch, and in
# the other county; plus TOWN-A1, an ancestor of the branch.
ORG_TARGETS = ("branch", "town", "sibling", "county_b")
PERSON_TARGETS = ("in_branch", "other_branch", "county_b")
PERSON_ORG = {"in_branch": "branch", "other_branch": "sibling", "county_b": "county_b"}

RIGHTS: dict[str, dict[str, frozenset[str]]] = {
    "root": dict.fromkeys(ORG_TARGETS, ALL),
    "admin": dict.fromkeys(ORG_TARGETS, ALL),
    "organizer": {"branch": ALL, "town": ALL, "sibling": ALL, "county_b": NONE},
    "secretary": {
        "branch": frozenset({V, P}),
        "town": NONE,
        "sibling": NONE,
        "county_b": NONE,
    },
    "viewer": {"branch": frozenset({V}), "town": frozenset({V}), "sibling": frozenset({V}), "county_b": NONE},
    "outsider": dict.fromkeys(ORG_TARGETS, NONE),
}

ORG_PAGES = {
    "org-detail": V,
    "org-children": V,
    "org-create-child": OG,
    "org-edit": OG,
    "org-move": OG,
    "org-dissolve": OG,
    "person-create": P,
}
PERSON_PAGES = {"person-detail": V, "person-edit": P, "person-reduce": P}
# Pages without an object: every logged-in user gets them (filtered to their scope).
PLAIN_PAGES = {
    "home": ("home", ""),
    "org-tree": ("org-tree", ""),
    "search": ("search", "?q=张"),
    "org-suggest": ("org-suggest", "?q=BR"),
}


def _org(world, key):
    return {
        "branch": world.branch_a1_1,
        "town": world.town_a1,
        "sibling": world.branch_a1_2,
        "county_b": world.branch_b_1,
    }[key]


def _expected(persona: str, org_key: str, needed: str) -> int:
    rights = RIGHTS[persona][org_key]
    if V not in rights:
        return 404
    return 200 if needed in rights else 403


def _check(client, cases) -> None:
    """GET every (url, expected status) and report all mismatches at once."""
    wrong = []
    for label, url, status in cases:
        got = client.get(url).status_code
        if got != status:
            wrong.append(f"{label}: expected {status}, got {got}")
    assert not wrong, "\n".join(wrong)


# One test per page × persona; the targets (in scope, ancestor, sibling, other county) are looped
# inside, so the fixture tree is built once per row rather than once per cell.
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(ORG_PAGES))
def test_org_pages(world, client_as, name, persona):
    needed = ORG_PAGES[name]
    cases = [
        (target, reverse(name, args=[_org(world, target).pk]), _expected(persona, target, needed))
        for target in ORG_TARGETS
    ]
    _check(client_as(getattr(world, persona)), cases)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(PERSON_PAGES))
def test_person_pages(world, client_as, name, persona):
    needed = PERSON_PAGES[name]
    cases = [
        (
            target,
            reverse(name, args=[world.people[target].pk]),
            _expected(persona, PERSON_ORG[target], needed),
        )
        for target in PERSON_TARGETS
    ]
    _check(client_as(getattr(world, persona)), cases)


def test_expected_table_has_every_outcome():
    """Guard the table itself: the matrix must exercise 200, 403 and 404 for both kinds of page."""
    org = {_expected(p, t, n) for p in PERSONAS for t in ORG_TARGETS for n in ORG_PAGES.values()}
    person = {
        _expected(p, PERSON_ORG[t], n)
        for p in PERSONAS
        for t in PERSON_TARGETS
        for n in PERSON_PAGES.values()
    }
    assert org == person == {200, 403, 404}


@pytest.mark.parametrize("persona", PERSONAS)
def test_plain_pages_open_to_every_logged_in_user(world, client_as, persona):
    cases = [(page, reverse(name) + query, 200) for page, (name, query) in sorted(PLAIN_PAGES.items())]
    _check(client_as(getattr(world, persona)), cases)


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_site_is_for_superusers_only(world, client_as, persona):
    response = client_as(getattr(world, persona)).get("/admin/")
    if persona == "root":
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == "/admin/login/"


ALL_PAGE_NAMES = sorted({*ORG_PAGES, *PERSON_PAGES, *(n for n, _ in PLAIN_PAGES.values())})


def test_anonymous_is_sent_to_login(world, client):
    wrong = []
    for name in ALL_PAGE_NAMES:
        if name in ORG_PAGES:
            url = reverse(name, args=[world.branch_a1_1.pk])
        elif name in PERSON_PAGES:
            url = reverse(name, args=[world.people["in_branch"].pk])
        else:
            url = reverse(name)
        response = client.get(url)
        location = urlsplit(response.get("Location", ""))
        if (
            response.status_code != 302
            or location.path != "/login/"
            or f"next={url}" not in unquote(location.query)
        ):
            wrong.append(f"{name}: {response.status_code} {response.get('Location')}")
    assert len(ALL_PAGE_NAMES) == 14
    assert not wrong, "\n".join(wrong)


def test_admin_site_refuses_staff_without_superuser(world, client_as):
    """is_staff alone is not enough: the admin bypasses scope, so it is for superusers only."""
    world.admin.is_staff = True
    world.admin.save()
    response = client_as(world.admin).get("/admin/people/person/")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/admin/login/"


def test_anonymous_admin_goes_to_admin_login(client, world):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/admin/login/"


# --- What a page shows, not only whether it opens ---------------------------------------------


def test_tree_and_home_start_at_scope_roots(world, client_as):
    body = client_as(world.secretary).get(reverse("org-tree")).content.decode()
    assert "东城镇第一党支部" in body
    assert "东城镇党委" not in body and "乙县委" not in body
    body = client_as(world.outsider).get(reverse("home")).content.decode()
    assert "东城镇第一党支部" not in body and "广安市委" not in body


def test_children_fragment_is_scoped(world, client_as):
    body = client_as(world.viewer).get(reverse("org-children", args=[world.town_a1.pk])).content.decode()
    assert "东城镇第一党支部" in body and "东城镇第二党支部" in body
    body = (
        client_as(world.secretary).get(reverse("org-children", args=[world.branch_a1_1.pk])).content.decode()
    )
    assert "第一党小组" in body


def test_suggest_lists_only_orgs_in_scope(world, client_as):
    body = client_as(world.secretary).get(reverse("org-suggest") + "?q=BR").content.decode()
    assert "BR-A1-1" in body
    assert "BR-A1-2" not in body and "BR-B-1" not in body
    # For a move target, only orgs the user may change count: the secretary has none.
    body = client_as(world.secretary).get(reverse("org-suggest") + "?q=BR&for=move").content.decode()
    assert "BR-A1-1" not in body


def test_search_by_id_number_is_scoped(world, client_as):
    outside = world.people["county_b"]
    inside = world.people["in_branch"]
    client = client_as(world.secretary)
    # ID numbers are searched by POST only (never in a URL).
    body = client.post(reverse("search"), {"q": outside.id_number}).content.decode()
    assert outside.name not in body
    assert "0 人" in body
    body = client.post(reverse("search"), {"q": inside.id_number}).content.decode()
    assert inside.name in body
    assert "1 人" in body
    # The admin, whose scope covers both, finds the other county's person.
    body = client_as(world.admin).post(reverse("search"), {"q": outside.id_number}).content.decode()
    assert outside.name in body


def test_search_by_name_does_not_leak(world, client_as):
    body = client_as(world.viewer).get(reverse("search"), {"q": "李小艳"}).content.decode()
    assert "李小艳" in body  # echoed as the query …
    assert reverse("person-detail", args=[world.people["county_b"].pk]) not in body  # … but no result


def test_org_detail_members_are_scoped_and_masked(world, client_as):
    body = client_as(world.admin).get(reverse("org-detail", args=[world.county_a.pk])).content.decode()
    assert "曾小芳" in body and "欧阳修远" in body
    assert "李小艳" not in body
    for person in world.people.values():
        assert person.id_number not in body


@pytest.mark.parametrize(
    ("persona", "can_reveal"),
    [("root", True), ("admin", True), ("organizer", True), ("secretary", True), ("viewer", False)],
)
def test_full_id_number_only_with_personal_data_right(world, client_as, persona, can_reveal):
    person = world.people["in_branch"]
    client = client_as(getattr(world, persona))
    url = reverse("person-detail", args=[person.pk])
    plain = client.get(url).content.decode()
    assert person.id_number not in plain
    assert person.masked_id_number in plain
    assert ("显示完整号码" in plain) is can_reveal
    revealed = client.get(url, {"reveal": "1"}).content.decode()
    assert (person.id_number in revealed) is can_reveal


# --- POSTs ----------------------------------------------------------------------------------


def _person_form(person: Person, **overrides) -> dict:
    data = {
        "name": person.name,
        "id_number": person.id_number,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "phone": person.phone,
        "education": person.education,
        "category": person.category,
        "work_unit": person.work_unit,
        "org_code": person.org.code,
        "standing": person.standing,
    }
    for field in ("applied_on", "activist_on", "candidate_on", "admitted_on", "converted_on"):
        value = getattr(person, field)
        data[field] = value.isoformat() if value else ""
    data.update(overrides)
    return data


def test_secretary_edits_person_in_branch(world, client_as):
    person = world.people["in_branch"]
    client = client_as(world.secretary)
    url = reverse("person-edit", args=[person.pk])
    response = client.post(url, _person_form(person, work_unit="东城社区居委会主任", org_code="GRP-A1-1-1"))
    assert response.status_code == 302
    assert response["Location"] == reverse("person-detail", args=[person.pk])
    person.refresh_from_db()
    assert person.work_unit == "东城社区居委会主任"
    assert person.org_id == world.group_a1_1_1.pk


def test_secretary_cannot_move_person_out_of_scope(world, client_as):
    person = world.people["in_branch"]
    records = ChangeRecord.objects.count()
    client = client_as(world.secretary)
    response = client.post(
        reverse("person-edit", args=[person.pk]),
        _person_form(person, org_code=world.branch_a1_2.code, work_unit="改动不应保存"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "找不到该组织代码，或该组织不在您的管理范围内。" in body
    person.refresh_from_db()
    assert person.org_id == world.branch_a1_1.pk
    assert person.work_unit == ""
    assert ChangeRecord.objects.count() == records


def test_move_into_viewable_but_unmanaged_org_is_rolled_back(world, client_as):
    """The write is re-checked after it is made: viewing the target is not enough."""
    secretary = world.secretary
    role_grant(actor=None, user=secretary, org=world.town_a1, role=Role.VIEWER)
    person = world.people["in_branch"]
    records = ChangeRecord.objects.count()
    response = client_as(secretary).post(
        reverse("person-edit", args=[person.pk]),
        _person_form(person, org_code=world.branch_a1_2.code, work_unit="改动不应保存"),
    )
    assert response.status_code == 200
    assert "不在您的管理范围内" in response.content.decode()
    person.refresh_from_db()
    assert person.org_id == world.branch_a1_1.pk
    assert person.work_unit == ""
    assert ChangeRecord.objects.count() == records


def test_viewer_post_is_forbidden_and_outsider_post_is_not_found(world, client_as):
    person = world.people["in_branch"]
    url = reverse("person-edit", args=[person.pk])
    data = _person_form(person, work_unit="不应保存")
    assert client_as(world.viewer).post(url, data).status_code == 403
    assert client_as(world.outsider).post(url, data).status_code == 404
    reduce_data = {"reduction": "transferred_out", "reduced_on": "2024-01-02", "reduction_note": "转出"}
    assert (
        client_as(world.viewer).post(reverse("person-reduce", args=[person.pk]), reduce_data).status_code
        == 403
    )
    person.refresh_from_db()
    assert person.work_unit == "" and person.is_active


def test_secretary_cannot_create_child_org_or_dissolve_by_post(world, client_as):
    client = client_as(world.secretary)
    url = reverse("org-dissolve", args=[world.group_a1_1_1.pk])
    response = client.post(url, {"dissolved_on": "2024-01-02", "reason": "合并"})
    assert response.status_code == 403
    world.group_a1_1_1.refresh_from_db()
    assert world.group_a1_1_1.dissolved_on is None


def test_secretary_creates_person_in_branch(world, client_as):
    from dangjian.conftest import valid_id_number

    number = valid_id_number(dt.date(1995, 4, 3), "F")
    data = {
        "name": "何晓雯", "id_number": number, "gender": "", "ethnicity": "汉族", "phone": "", "education": "",
        "category": "other", "work_unit": "", "org_code": "BR-A1-1", "standing": "applicant",
        "applied_on": "2020-05-04", "activist_on": "", "candidate_on": "", "admitted_on": "", "converted_on": "",
    }  # fmt: skip
    client = client_as(world.secretary)
    response = client.post(reverse("person-create", args=[world.branch_a1_1.pk]), data)
    assert response.status_code == 302
    created = Person.objects.get(id_number=number)
    assert created.org_id == world.branch_a1_1.pk and created.gender == "F"
    # The same form aimed at the other branch through org_code is refused.
    data.update(id_number=valid_id_number(dt.date(1995, 4, 3), "F"), org_code="BR-A1-2")
    response = client.post(reverse("person-create", args=[world.branch_a1_1.pk]), data)
    assert response.status_code == 200
    assert "不在您的管理范围内" in response.content.decode()
    assert not Person.objects.filter(id_number=data["id_number"]).exists()


# --- Login ----------------------------------------------------------------------------------


def test_login_wrong_password_is_refused_in_chinese(world, client):
    response = client.post("/login/", {"username": "secretary", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_right_password_goes_home(world, client):
    response = client.post("/login/", {"username": "secretary", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(world.secretary.pk)
