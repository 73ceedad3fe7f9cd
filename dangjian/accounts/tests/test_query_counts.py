"""Query-count guards: list pages must not issue a query per row (no N+1).

Each test counts the queries of the same request with 5 people and again with 60, and requires the
two counts to be equal. 60 is more than one page (50), so pagination is exercised as well.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangjian.accounts.services import api_token_create
from dangjian.conftest import valid_id_number
from dangjian.people.models import Person
from dangjian.people.services import people_bulk_create

PERSON_LINK = re.compile(r'href="/people/\d+/"')
GIVEN_NAMES = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明"]


def _add_people(org, count: int, start: int) -> None:
    rows = []
    for i in range(start, start + count):
        birth = dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        gender = "M" if i % 2 else "F"
        rows.append(
            {
                "org": org,
                "name": "张" + GIVEN_NAMES[i % len(GIVEN_NAMES)] + GIVEN_NAMES[(i // 7) % len(GIVEN_NAMES)],
                "id_number": valid_id_number(birth, gender),
                "gender": gender,
                "birth_date": birth,
                "standing": "applicant",
                "applied_on": dt.date(2010 + i % 10, 3, 1),
                "phone": f"1380000{i:04d}",
            }
        )
    people_bulk_create(actor=None, rows=rows)


def _count(request) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = request()
    return len(ctx.captured_queries), response


def _grow_and_compare(world, request, check_small, check_large):
    """BR-A1-2 already holds 欧阳修远; add 5 people named 张…, measure, add 55 more, measure."""
    org = world.branch_a1_2
    _add_people(org, 5, 0)
    small, response = _count(request)
    check_small(response)
    _add_people(org, 55, 100)
    assert Person.objects.filter(org=org, name__startswith="张").count() == 60
    large, response = _count(request)
    check_large(response)
    assert small == large, f"{small} queries with 5 people, {large} with 60"


@pytest.mark.parametrize("persona", ["organizer", "root"])
def test_org_detail_member_list(world, client_as, persona):
    client = client_as(getattr(world, persona))
    url = reverse("org-detail", args=[world.branch_a1_2.pk])

    def check(n):
        def inner(response):
            assert response.status_code == 200
            assert len(PERSON_LINK.findall(response.content.decode())) == n

        return inner

    _grow_and_compare(world, lambda: client.get(url), check(6), check(50))


def test_org_detail_members_fragment(world, client_as):
    """The htmx filter/paging request renders only the member list, with a fixed query count."""
    client = client_as(world.admin)
    url = reverse("org-detail", args=[world.branch_a1_2.pk]) + "?standing=applicant"

    def check(n):
        def inner(response):
            assert response.status_code == 200
            body = response.content.decode()
            assert "<html" not in body and 'id="members"' in body
            assert len(PERSON_LINK.findall(body)) == n

        return inner

    htmx = {"HX-Request": "true", "HX-Target": "members"}
    # 欧阳修远 is a full member, so the applicant filter leaves only the 张….
    _grow_and_compare(world, lambda: client.get(url, headers=htmx), check(5), check(50))


def test_search_results(world, client_as):
    client = client_as(world.viewer)
    url = reverse("search")

    def check(n):
        def inner(response):
            assert response.status_code == 200
            # The viewer (CTY-A) sees the 张… people of BR-A1-2; the cap is 50 results.
            assert len(PERSON_LINK.findall(response.content.decode())) == n

        return inner

    _grow_and_compare(world, lambda: client.get(url, {"q": "张"}), check(5), check(50))


def test_api_people_list(world, client):
    _, raw = api_token_create(actor=None, user=world.organizer, name="测试")
    url = f"/api/people?org={world.branch_a1_2.pk}&limit=100"
    auth = {"Authorization": f"Bearer {raw}"}

    def check(n):
        def inner(response):
            assert response.status_code == 200
            data = response.json()
            assert data["count"] == n and len(data["items"]) == n

        return inner

    _grow_and_compare(world, lambda: client.get(url, headers=auth), check(6), check(61))


def test_api_people_search(world, client_as):
    client = client_as(world.admin)

    def check(n):
        def inner(response):
            assert response.status_code == 200
            assert response.json()["count"] == n

        return inner

    # Pinyin "zhang" matches every 张 and nobody in the fixture (曾 is zeng).
    _grow_and_compare(world, lambda: client.get("/api/people", {"q": "zhang"}), check(5), check(60))
