"""培养教育考察 by aspect (seed 000: "思想政治、能力素质、道德品行、现实表现"): the aspects come from
the rule set (R-ASSESS), step 6 records an opinion per aspect, the case page shows them."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from dangjian.conftest import make_person
from dangjian.development.rulesets import ruleset_create
from dangjian.development.services import case_open
from dangjian.development.tests.test_services import TODAY, record

D = dt.date


@pytest.fixture
def activist_case(world):
    with time_machine.travel(TODAY, tick=False):
        person = make_person(world.branch_a1_1, name="赵新", standing="applicant", applied_on=D(2022, 3, 1),
                             birth_date=D(1996, 4, 4))  # fmt: skip
        case = case_open(actor=world.secretary, person=person)
        for step, on, kw in ((1, D(2022, 3, 1), {}), (2, D(2022, 3, 20), {}), (3, D(2022, 5, 10), {}),
                             (4, D(2022, 5, 20), {}),
                             (5, D(2022, 5, 20), {"data": {"contacts": [world.people["in_branch"].pk]}})):  # fmt: skip
            record(world, case, step, on, **kw)
        yield case


def test_the_step_form_asks_each_aspect_and_the_case_page_shows_them(world, activist_case, client_as):
    client = client_as(world.secretary)
    url = f"/development/case/{activist_case.pk}/step/6/"
    form = client.get(url).content.decode()
    for aspect in ("思想政治", "能力素质", "道德品行", "现实表现"):
        assert f"{aspect}方面" in form
    done = client.post(url, {"on": "2022-11-01", "aspect0": "政治立场坚定", "aspect3": "抗疫一线表现突出"})
    assert done.status_code == 302
    recorded = activist_case.records.get(step=6)
    assert recorded.data["aspects"] == {"思想政治": "政治立场坚定", "现实表现": "抗疫一线表现突出"}
    page = client.get(f"/development/case/{activist_case.pk}/").content.decode()
    assert "分方面考察意见" in page and "抗疫一线表现突出" in page


def test_a_local_rule_set_names_its_own_aspects(world, activist_case, client_as):
    ruleset_create(actor=world.admin, code="ASPECTS", name="东城镇考察", org=world.town_a1, effective_from=D(2020, 1, 1),
                   overrides={"R-ASSESS": {"aspects": "政治表现，工作表现"}})  # fmt: skip
    form = client_as(world.secretary).get(f"/development/case/{activist_case.pk}/step/6/").content.decode()
    assert "政治表现方面" in form and "工作表现方面" in form and "道德品行方面" not in form


@pytest.mark.parametrize("hostile", [["思想政治"], {"思想政治": 5}, {"": "x"}, {"思想政治": "很" * 501}])
def test_malformed_aspects_are_refused_in_chinese(world, activist_case, hostile):
    with time_machine.travel(TODAY, tick=False), pytest.raises(ValidationError, match="考察意见格式不正确"):
        record(world, activist_case, 6, D(2022, 11, 1), data={"aspects": hostile})
    assert not activist_case.records.filter(step=6).exists()
