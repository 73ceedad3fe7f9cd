"""学时 against the R-STUDY obligation (national or local), and the figures with their drill-down."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from dangjian.conftest import make_person
from dangjian.development.rulesets import ensure_national, ruleset_create
from dangjian.training import selectors, services
from dangjian.training.tests.conftest import make_class

D = dt.date
pytestmark = pytest.mark.usefixtures("frozen")


def completed_class(world, people, *, kind, hours, end, category=None, org=None, name=None):
    c = make_class(
        world, org=org or world.town_a1, kind=kind, start=end - dt.timedelta(days=2), end=end, hours=hours,
        name=name or f"{kind}-{end}", actor=world.admin,
    )  # fmt: skip
    services.participants_add(actor=world.admin, training_class=c, people=people, category=category)
    services.participation_complete(actor=world.admin, training_class=c, people=people)
    return c


@pytest.fixture
def members(world):
    ensure_national()
    return {
        "曾小芳": world.people["in_branch"],
        "欧阳修远": world.people["other_branch"],
        "安学习": make_person(world.branch_a1_1, name="安学习"),
    }


def test_yearly_hours_against_the_national_obligation(world, members):
    everyone = list(members.values())
    completed_class(world, everyone, kind="member_rotation", hours=24, end=D(2026, 5, 10))
    completed_class(world, [members["安学习"]], kind="online", hours=8, end=D(2026, 9, 1))
    completed_class(world, [members["曾小芳"]], kind="online", hours=20, end=D(2025, 12, 30))  # last year
    pending = make_class(
        world, kind="online", start=D(2026, 10, 1), end=D(2026, 10, 2), hours=10, name="未结业"
    )
    services.participants_add(actor=world.admin, training_class=pending, people=[members["曾小芳"]])

    study = selectors.study_hours(world.admin, world.town_a1, 2026)
    assert (study.members, study.with_obligation, study.reached) == (3, 3, 1)
    [(obligation, n)] = study.obligations
    assert (obligation.member_hours, obligation.article, n) == (32, "党员教育管理工作条例（2019）第二十条", 3)
    # Below the obligation, by org and name, never by hours: 第一党支部 (曾小芳) before 第二党支部.
    assert [(m.name, m.hours) for m in study.below] == [
        ("曾小芳", Decimal("24.0")),
        ("欧阳修远", Decimal("24.0")),
    ]
    assert selectors.year_hours(members["安学习"], 2026) == Decimal("32.0")
    assert selectors.year_hours(members["曾小芳"], 2025) == Decimal("20.0")
    # The branch secretary sees her branch: 曾小芳 and 安学习 (单明 is an applicant).
    mine = selectors.study_hours(world.secretary, world.branch_a1_1, 2026)
    assert (mine.members, [m.name for m in mine.below]) == (2, ["曾小芳"])
    with pytest.raises(Http404):
        selectors.study_hours(world.secretary, world.town_a1, 2026)


def test_a_local_rule_set_raises_the_obligation(world, members):
    completed_class(world, list(members.values()), kind="member_rotation", hours=36, end=D(2026, 5, 10))
    assert selectors.study_hours(world.admin, world.town_a1, 2026).reached == 3
    ruleset_create(
        actor=world.admin, code="town-a1-study", name="东城镇学时要求", org=world.town_a1, effective_from=D(2025, 1, 1),
        overrides={"R-STUDY": {"member_hours": 40, "article": "东城镇党委〔2025〕3号"}},
    )  # fmt: skip
    study = selectors.study_hours(world.admin, world.town_a1, 2026)
    assert (study.reached, len(study.below)) == (0, 3)
    assert {m.obligation for m in study.below} == {40}
    assert study.obligations[0][0].article == "东城镇党委〔2025〕3号"
    # Elsewhere the national 32 stands.
    other = selectors.study_hours(world.admin, world.county_b, 2026)
    assert other.obligations[0][0].member_hours == 32


def test_figures_by_kind_and_category_with_their_records(world, client_as):
    cadres = [make_person(world.branch_a1_2, name=n) for n in ("村甲", "村乙", "村丙")]
    staff = [make_person(world.branch_a1_1, name=n) for n in ("镇甲", "镇乙")]
    completed_class(
        world, cadres, kind="village_cadre", category="village_cadre", hours=16, end=D(2026, 4, 3)
    )
    completed_class(
        world, staff, kind="party_affairs_cadre", category="town_party_cadre", hours=24, end=D(2026, 6, 3)
    )
    late = make_class(
        world, kind="village_cadre", start=D(2026, 3, 1), end=D(2026, 3, 3), name="未结业", actor=world.admin
    )
    services.participants_add(
        actor=world.admin, training_class=late, people=[world.people["applicant"]], category="village_cadre"
    )
    completed_class(
        world, [world.people["in_branch"]], kind="member_rotation", hours=32, end=D(2025, 12, 1)
    )  # before
    completed_class(world, [world.people["county_b"]], kind="village_cadre", category="village_cadre", hours=8,
                    end=D(2026, 5, 1), org=world.branch_b_1)  # fmt: skip

    f = selectors.training_figures(world.admin, world.county_a, D(2026, 1, 1), D(2026, 11, 20))
    assert (f.classes, f.count, f.people, f.hours) == (2, 5, 5, Decimal("96.0"))
    assert (f.category("village_cadre"), f.category("town_party_cadre"), f.category("member")) == (3, 2, 0)
    assert (f.kind("village_cadre"), f.kind("party_affairs_cadre")) == (3, 2)
    whole_city = selectors.training_figures(world.admin, world.city, D(2026, 1, 1), D(2026, 11, 20))
    assert whole_city.category("village_cadre") == 4
    with pytest.raises(Http404):
        selectors.training_figures(world.secretary, world.county_a, D(2026, 1, 1), D(2026, 11, 20))

    row = next(r for r in f.by_category if r.key == "village_cadre")
    page = client_as(world.admin).get(row.url)
    body = page.content.decode()
    assert page.status_code == 200
    assert (
        all(name in body for name in ("村甲", "村乙", "村丙")) and "镇甲" not in body and "单明" not in body
    )
    figures_page = client_as(world.admin).get(
        f"/training/org/{world.county_a.pk}/figures/?from=2026-01-01&to=2026-11-20"
    )
    assert figures_page.status_code == 200 and row.url.replace("&", "&amp;") in figures_page.content.decode()
