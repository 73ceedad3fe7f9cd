"""The pre-aggregated subtree counts must always equal a direct count over the base tables."""

import datetime as dt
import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from dangjian.conftest import make_person
from dangjian.orgs.services import org_move
from dangjian.people import counts
from dangjian.people.models import Category, Person
from dangjian.people.selectors import active_count, category_counts, standing_counts
from dangjian.people.services import person_backfill, person_reduce, person_update


def assert_consistent():
    assert counts.stored() == counts.recompute()


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(4))
def test_random_series_of_changes_keeps_counts_exact(world, seed):
    rng = random.Random(seed)
    branches = [world.branch_a1_1, world.branch_a1_2, world.branch_b_1]
    people = list(world.people.values())
    for _step in range(25):
        action = rng.choice(["create", "move", "standing", "category", "reduce", "move_org"])
        try:
            if action == "create":
                people.append(make_person(rng.choice(branches), name=rng.choice(["王芳", "李强", "曾敏"])))
            elif action == "move":
                person_update(actor=None, person=rng.choice(people), org=rng.choice(branches))
            elif action == "standing":
                person = rng.choice(people)
                person_backfill(actor=None, person=person, standing="full", converted_on=dt.date(2013, 1, 1),
                                admitted_on=dt.date(2012, 1, 1), candidate_on=dt.date(2011, 7, 1),
                                activist_on=dt.date(2010, 6, 1), reason="据档案补录")  # fmt: skip
            elif action == "category":
                person_update(actor=None, person=rng.choice(people), category=rng.choice(Category.values))
            elif action == "reduce":
                person_reduce(actor=None, person=rng.choice(people), reduction="transferred_out",
                              reduced_on=dt.date(2024, 1, 1), note="转往外地")  # fmt: skip
            else:
                target = rng.choice([world.county_a, world.county_b, world.town_a1])
                org_move(actor=None, org=rng.choice([world.branch_a1_2, world.branch_b_1]), new_parent=target)
        except (ValidationError, PermissionDenied):
            pass  # refused changes must leave the counts untouched as well
        assert_consistent()


@pytest.mark.django_db
def test_counts_feed_the_pages(world):
    admin = world.admin
    active = Person.objects.filter(reduction="").count()
    assert sum(n for _, _, n in standing_counts(admin)) == active
    assert sum(n for _, _, n in category_counts(admin, world.county_b)) == 1
    assert active_count(admin, world.town_a1) == 3
    assert active_count(world.outsider, world.town_a1) == 0
    assert sum(n for _, _, n in standing_counts(world.secretary, world.county_b)) == 0


@pytest.mark.django_db
def test_counts_command_detects_and_repairs_drift(world, capsys):
    from dangjian.people.models import SubtreeCount

    SubtreeCount.objects.filter(org=world.city).update(n=99)
    with pytest.raises(Exception, match="不一致"):
        call_command("counts", "check")
    call_command("counts", "rebuild")
    call_command("counts", "check")
    assert "一致" in capsys.readouterr().out
    assert_consistent()
