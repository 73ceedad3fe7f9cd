"""The pre-aggregated composition counts must always equal a direct count over the base tables."""

import datetime as dt
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from dangjian.conftest import make_person, valid_id_number
from dangjian.orgs.services import org_move, org_update
from dangjian.people import counts
from dangjian.people.models import Category, Education, Person
from dangjian.people.services import people_bulk_create, person_reduce, person_update
from dangjian.stats import counts as composition
from dangjian.stats.models import CompositionCount

NAMES = ["王芳", "李强", "曾敏", "欧阳娜", "张伟"]


def assert_consistent():
    assert composition.stored() == composition.recompute()
    assert counts.stored() == counts.recompute()


def _bulk_rows(rng, branches, n):
    rows = []
    for _i in range(n):
        birth = dt.date(rng.randint(1950, 2003), rng.randint(1, 12), rng.randint(1, 28))
        gender = rng.choice("MF")
        rows.append(
            dict(
                org=rng.choice(branches), name=rng.choice(NAMES), gender=gender, birth_date=birth,
                id_number=valid_id_number(birth, gender), standing="applicant",
                applied_on=dt.date(2024, rng.randint(1, 12), 1), ethnicity=rng.choice(["汉族", "回族", "藏族"]),
                education=rng.choice(Education.values),
            )
        )  # fmt: skip
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(5))
def test_random_series_of_changes_keeps_composition_exact(world, seed):
    rng = random.Random(seed)
    branches = [world.branch_a1_1, world.branch_a1_2, world.branch_b_1, world.group_a1_1_1]
    people = list(world.people.values())
    actions = ["create", "move", "standing", "category", "birth", "edu", "reduce", "bulk", "move_org", "unit"]
    done: dict[str, int] = {}
    for _step in range(30):
        action = rng.choice(actions)
        try:
            if action == "create":
                people.append(
                    make_person(
                        rng.choice(branches), name=rng.choice(NAMES), gender=rng.choice("MF"),
                        birth_date=dt.date(rng.randint(1950, 2000), 5, 5), ethnicity=rng.choice(["汉族", "壮族"]),
                        education=rng.choice([*Education.values, ""]),
                    )
                )  # fmt: skip
            elif action == "move":
                person_update(actor=None, person=rng.choice(people), org=rng.choice(branches))
            elif action == "standing":
                person_update(actor=None, person=rng.choice(people), standing="full", converted_on=dt.date(2013, 1, 1),
                              admitted_on=dt.date(2012, 1, 1), candidate_on=dt.date(2011, 7, 1),
                              activist_on=dt.date(2010, 6, 1))  # fmt: skip
            elif action == "category":
                person_update(actor=None, person=rng.choice(people), category=rng.choice(Category.values))
            elif action == "birth":
                person, birth = rng.choice(people), dt.date(rng.randint(1950, 2000), 1, 1)
                person_update(actor=None, person=person, birth_date=birth,
                              id_number=valid_id_number(birth, person.gender))  # fmt: skip
            elif action == "edu":
                person_update(actor=None, person=rng.choice(people), education=rng.choice(Education.values),
                              ethnicity=rng.choice(["汉族", "满族"]), gender=rng.choice("MF"))  # fmt: skip
            elif action == "reduce":
                person_reduce(actor=None, person=rng.choice(people), reduction="transferred_out",
                              reduced_on=dt.date(2024, 1, 1), note="转往外地")  # fmt: skip
            elif action == "bulk":
                people_bulk_create(actor=None, rows=_bulk_rows(rng, branches, rng.randint(1, 6)))
                people = list(Person.objects.all())
            elif action == "unit":
                org_update(
                    actor=None, org=rng.choice(branches), unit_type=rng.choice(["school", "village", "other"])
                )
            else:
                target = rng.choice([world.county_a, world.county_b, world.town_a1])
                org_move(actor=None, org=rng.choice([world.branch_a1_2, world.branch_b_1]), new_parent=target)
            done[action] = done.get(action, 0) + 1
        except (ValidationError, PermissionDenied):
            pass  # refused changes must leave the counts untouched as well
        for p in people:
            p.refresh_from_db()
        assert_consistent()
    print(seed, sorted(done.items()))
    assert len(done) >= 5  # the series really changes things


@pytest.mark.django_db
def test_counts_command_covers_composition(world, capsys):
    CompositionCount.objects.filter(org=world.city).update(n=99)
    with pytest.raises(Exception, match="构成汇总"):
        call_command("counts", "check")
    call_command("counts", "rebuild")
    call_command("counts", "check")
    assert "一致" in capsys.readouterr().out
    assert_consistent()
