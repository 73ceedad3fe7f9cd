"""The briefing's wording: "按期转为正式党员" only for conversions on time (extended probations and
disqualifications are told apart), and "截至" only for cumulative figures."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dangjian.conftest import make_person
from dangjian.documents import briefing, selectors
from dangjian.documents.tests.conftest import PERIOD
from dangjian.people.membership import full_member_on, member_on
from dangjian.people.models import Person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def probations(docs):
    branch = docs.branch_a1_1
    # 郑转正 of the shared world: admitted 2025-04-01, converted 2026-04-01, on time.
    docs.people["extended"] = make_person(
        branch, name="钱延长", standing="full", admitted_on=D(2025, 1, 10), converted_on=D(2026, 4, 10)
    )  # probation extended by three months
    docs.people["unknown"] = make_person(branch, name="孙不详", standing="full", converted_on=D(2026, 5, 1))
    # a legacy import may leave the admission date unknown (history=True); the form never does
    Person.objects.filter(pk=docs.people["unknown"].pk).update(admitted_on=None)
    docs.people["disqualified"] = make_person(
        branch, name="李取消", standing="probationary", admitted_on=D(2025, 2, 1), reduction="disqualified",
        reduced_on=D(2026, 2, 15),
    )  # fmt: skip
    return docs


def test_conversions_on_time_extended_and_disqualified_are_counted_apart(probations):
    f = selectors.briefing_figures(probations.town_a1, PERIOD)
    assert (f.conversions, f.extended_conversions, f.other_conversions, f.disqualified) == (1, 1, 1, 1)
    names = {
        figure: {p.name for p in selectors.figure_people(probations.town_a1, PERIOD, figure)}
        for figure in ("conversions", "extended_conversions", "other_conversions", "disqualified")
    }
    assert names == {
        "conversions": {"郑转正"}, "extended_conversions": {"钱延长"}, "other_conversions": {"孙不详"},
        "disqualified": {"李取消"},
    }  # fmt: skip
    text = briefing.compose(f)
    assert "1名预备党员按期转为正式党员；" in text
    assert "1名预备党员延长预备期后转为正式党员；" in text
    assert "1名预备党员转为正式党员（接收日期未记录）；" in text
    assert "1名预备党员被取消预备党员资格。" in text
    assert "3名预备党员按期转为正式党员" not in text and "2名预备党员按期" not in text


def test_only_an_extended_conversion_is_never_called_on_time(docs):
    make_person(
        docs.branch_a1_2,
        name="钱延长",
        standing="full",
        admitted_on=D(2025, 1, 10),
        converted_on=D(2026, 4, 10),
    )
    text = briefing.compose(selectors.briefing_figures(docs.branch_a1_2, PERIOD))
    assert "按期" not in text and "1名预备党员延长预备期后转为正式党员" in text


def test_jie_zhi_only_for_the_cumulative_figure(probations):
    org = probations.city
    f = selectors.briefing_figures(org, PERIOD)
    people = list(Person.objects.filter(org__path__startswith=org.path))
    members = [p for p in people if member_on(p, PERIOD.end)]
    probationary = [p for p in members if not full_member_on(p, PERIOD.end)]
    assert (f.members, f.probationary_members) == (len(members), len(probationary)) and f.members > 0
    assert "李取消" not in {p.name for p in members}  # off the books since 2026-02-15
    text = briefing.compose(f)
    cumulative = f"截至2026年6月30日，广安市委共有党员{f.members}名，其中预备党员{f.probationary_members}名。"
    assert cumulative in text
    # the period's figures are told with the period, never with 截至
    assert text.count("2026年1月1日至2026年6月30日") == 1
    for sentence in re.findall(r"截至[^。]*。", text):
        assert "共有党员" in sentence and "火线" not in sentence
    development = text.split("\n\n")[1]
    period_part = development.split("截至")[0]
    assert "接收预备党员" in period_part and "按期转为正式党员" in period_part
