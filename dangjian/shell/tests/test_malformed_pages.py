"""Malformed query strings and forms on the pages are a 4xx with a Chinese message, never a 500.

A parameter the page reads itself (month, year, id) goes through dangjian.base.params: a 400 and
the Chinese error page (400.html via handler400) naming the parameter. Each case failed before the
fix with a 500 (ValueError from datetime, OverflowError from SQLite, ValidationError from a view).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from dangjian.base import params
from dangjian.conftest import make_person
from dangjian.development.services import case_open, step_record

HAN = re.compile(r"[\u4e00-\u9fff]")
HUGE = "9" * 20

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_no_debug")]


@pytest.fixture
def _no_debug():
    with override_settings(DEBUG=False):
        yield


@pytest.fixture
def admin(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    return client


@pytest.fixture
def case(world):
    person = make_person(world.branch_a1_1, name="赵新", standing="applicant", applied_on=dt.date(2022, 3, 1))
    case = case_open(actor=world.secretary, person=person)
    step_record(actor=world.secretary, case=case, step=1, on=dt.date(2022, 3, 1))
    return case


def assert_bad_request(response, *words: str) -> str:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.content.decode()
    assert "请求参数有误" in body
    for word in words:
        assert word in body, body
    return body


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ({"from": "0000-01"}, "起始月份"),
        ({"to": "9999-12"}, "截止月份"),
        ({"from": "2024-13"}, "起始月份"),
        ({"to": "abc"}, "截止月份"),
        ({"from": f"{HUGE}-01"}, "起始月份"),
    ],
)
def test_stats_dashboard_with_a_malformed_month_is_a_400(admin, world, query, word):
    assert_bad_request(admin.get(reverse("stats-dashboard"), query), word)


def test_stats_dashboard_with_a_proper_month_is_served(admin, world):
    response = admin.get(reverse("stats-dashboard"), {"from": "2024-01", "to": "2024-12"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"born_from": HUGE},
        {"born_to": HUGE},
        {"born_from": "abc"},
        {"born_from": "0"},
        {"event": "applied", "from": "9999-12"},
        {"event": "admitted", "to": "0000-00"},
    ],
)
def test_stats_people_with_a_malformed_year_or_month_is_a_400(admin, world, query):
    assert_bad_request(admin.get(reverse("stats-people"), {"org": world.city.pk, **query}))


def test_stats_people_with_a_proper_birth_year_is_served(admin, world):
    response = admin.get(
        reverse("stats-people"), {"org": world.city.pk, "born_from": "1980", "born_to": "1990"}
    )
    assert response.status_code == 200
    assert "曾小芳" not in response.content.decode()  # born 1992


@pytest.mark.parametrize("org", ["abc", HUGE, "1.5", "-1"])
def test_due_list_with_a_malformed_org_is_a_400(admin, world, org):
    assert_bad_request(admin.get(reverse("due-list"), {"org": org}), "党组织")


def test_due_list_of_an_org_is_still_served(admin, world):
    assert admin.get(reverse("due-list"), {"org": world.town_a1.pk}).status_code == 200


@pytest.mark.parametrize("step", [0, 26, 99])
def test_step_form_of_an_unknown_step_is_a_404(admin, world, case, step):
    response = admin.get(f"/development/case/{case.pk}/step/{step}/")
    assert response.status_code == 404
    assert "步骤不存在" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        f"/people/{'9' * 23}/",
        f"/orgs/{'9' * 23}/",
        f"/development/case/{'9' * 23}/",
        f"/development/case/{'9' * 23}/step/{'9' * 23}/",
        f"/meetings/{'9' * 23}/",
        f"/mobilization/{'9' * 23}/",
        f"/import/export/{'9' * 23}/",
        f"/documents/jobs/{'9' * 23}/",
    ],
)
def test_huge_ids_in_the_path_are_a_404(admin, world, path):
    response = admin.get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert HAN.search(response.content.decode())


@pytest.mark.parametrize("org", ["abc", HUGE, "１２"])
def test_import_under_a_malformed_org_is_a_400_with_the_form(client_as, world, org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    file = SimpleUploadedFile("台账.xlsx", b"garbage")
    response = client_as(world.organizer).post(reverse("import"), {"file": file, "mode": "check", "org": org})
    assert response.status_code == 400
    body = response.content.decode()
    assert "所选党组织无效" in body and 'name="file"' in body


def test_the_400_page_is_chinese_for_a_bad_request_without_a_message(admin, world):
    body = assert_bad_request(admin.get(reverse("stats-dashboard"), {"to": "2024-00"}))
    assert "返回首页" in body


# --- the helpers themselves ---------------------------------------------------------------------


def test_int_param():
    assert params.int_param(None, "n") is None and params.int_param(" ", "n") is None
    assert params.int_param("42", "n") == 42
    for bad in ("abc", "4.2", HUGE, "９"):
        with pytest.raises(params.BadParameter) as exc:
            params.int_param(bad, "n", label="数量")
        assert exc.value.name == "n" and "数量" in str(exc.value)
    with pytest.raises(params.BadParameter):
        params.int_param("5", "n", maximum=4)


def test_id_or_none():
    assert params.id_or_none("17") == 17 and params.id_or_none(17) == 17
    assert params.id_or_none(str(params.MAX_INT)) == params.MAX_INT
    for bad in ("", None, "abc", "-1", str(params.MAX_INT + 1), HUGE, "１２"):
        assert params.id_or_none(bad) is None, bad


def test_month_and_year_params():
    assert params.month_param("2024-6", "m") == dt.date(2024, 6, 1)
    assert params.month_param("", "m") is None
    for bad in ("2024-00", "2024-13", "0000-01", "9999-12", "2024/06", "2024-06-01", "x"):
        with pytest.raises(params.BadParameter):
            params.month_param(bad, "m")
    assert params.year_param("1990", "y") == 1990
    with pytest.raises(params.BadParameter):
        params.year_param("1899", "y")


@pytest.mark.parametrize("url", ["/search/?q=%00", "/people/?q=ab%00c", "/development/due/?kind=%00"])
def test_nul_in_a_query_is_a_400_page(world, client_as, url):
    response = client_as(world.admin).get(url)
    assert response.status_code == 400 and "空字符" in response.content.decode()


def test_nul_in_the_api_is_a_422(world, client_as):
    client = client_as(world.admin)
    response = client.get("/api/people", {"q": "王\x00"})
    assert response.status_code == 422 and "空字符" in response.json()["detail"]
    response = client.post("/api/people", '{"name": "王\\u0000"}', content_type="application/json")
    assert response.status_code == 422
