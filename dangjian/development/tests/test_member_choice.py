"""Steps 5 and 9 offer the case branch's members; others only through a search in the user's scope."""

import datetime as dt

import pytest

from dangjian.conftest import make_person
from dangjian.development.models import StepRecord
from dangjian.development.services import step_record

D = dt.date


@pytest.fixture(autouse=True)
def _frozen(frozen_today):
    yield


@pytest.fixture
def case(world, applicant_case):
    for step, on in ((2, D(2022, 3, 20)), (3, D(2022, 5, 10)), (4, D(2022, 5, 20))):
        step_record(actor=world.secretary, case=applicant_case, step=step, on=on)
    return applicant_case


def _url(case, step=5):
    return f"/development/case/{case.pk}/step/{step}/"


def _search(client, case, q, field="contacts"):
    return client.get(f"/development/case/{case.pk}/members/", {"q": q, "field": field})


def test_the_form_lists_only_the_case_branchs_members(world, client_as, case):
    for step in (5, 9):
        html = client_as(world.secretary).get(_url(case, step)).content.decode()
        assert "曾小芳" in html  # her own branch
        assert "欧阳修远" not in html and "李小艳" not in html  # another branch of the town, another county
        assert f"/development/case/{case.pk}/members/" in html and "<script>" not in html


def test_the_search_is_scoped_limited_and_needs_two_characters(world, client_as, case):
    secretary = client_as(world.secretary)
    assert "欧阳修远" not in _search(secretary, case, "欧阳").content.decode()
    assert "至少输入2个字" in _search(secretary, case, "欧").content.decode()
    organizer = client_as(world.organizer)
    found = _search(organizer, case, "欧阳", field="introducers").content.decode()
    assert "欧阳修远" in found and 'name="introducers"' in found
    assert "欧阳修远" in _search(organizer, case, "oy").content.decode()  # pinyin initials
    assert "李小艳" not in _search(organizer, case, "李小").content.decode()
    for i in range(25):
        make_person(world.branch_a1_2, name="测试" + "甲乙丙丁戊"[i // 5] + "子丑寅卯辰"[i % 5])
    crowd = _search(organizer, case, "测试").content.decode()
    assert crowd.count('type="checkbox"') == 20 and "只显示前20名" in crowd
    assert _search(client_as(world.viewer), case, "欧阳").status_code == 403
    assert _search(client_as(world.outsider), case, "欧阳").status_code == 404


@pytest.mark.parametrize("who", ["county_b", "other_branch"])
def test_a_member_outside_the_secretarys_scope_is_refused(world, client_as, case, who):
    response = client_as(world.secretary).post(
        _url(case), {"on": "2022-05-20", "contacts": [world.people[who].pk]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "不是本支部或您管理范围内的正式党员，未保存" in html
    assert world.people[who].name not in html
    assert not StepRecord.objects.filter(case=case, step=5).exists()


def test_a_member_found_by_search_is_saved(world, client_as, case):
    other = world.people["other_branch"]
    response = client_as(world.organizer).post(_url(case), {"on": "2022-05-20", "contacts": [other.pk]})
    assert response.status_code == 302
    assert StepRecord.objects.get(case=case, step=5).data["contacts"] == [other.pk]
    # Re-rendered with an error, the chosen member stays ticked.
    page = client_as(world.organizer).post(_url(case, 9), {"on": "2022-05-21", "introducers": [other.pk]})
    assert f'value="{other.pk}"' in page.content.decode() and "checked" in page.content.decode()


def test_the_api_refuses_a_member_outside_the_branch_and_the_scope(world, client, case):
    from dangjian.accounts.services import api_token_create

    _, raw = api_token_create(actor=None, user=world.secretary, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    hidden = world.people["county_b"]  # a probationary member would even be named by R-CONTACT
    for path in ("steps", "preview"):
        response = client.post(f"/api/development/cases/{case.pk}/{path}", {"step": 5, "on": "2022-05-20",
                               "data": {"contacts": [hidden.pk]}}, content_type="application/json", **headers)  # fmt: skip
        body = str(response.json())
        assert response.status_code == 422 and "管理范围" in body and hidden.name not in body
    assert not StepRecord.objects.filter(case=case, step=5).exists()
    own = world.people["in_branch"]
    ok = client.post(f"/api/development/cases/{case.pk}/steps", {"step": 5, "on": "2022-05-20",
                     "data": {"contacts": [own.pk]}}, content_type="application/json", **headers)  # fmt: skip
    assert ok.status_code == 201
