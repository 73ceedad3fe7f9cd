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
from dangjian.people.services import people_reduce, person_backfill, person_reduce, person_update


def assert_consistent():
    assert counts.stored() == counts.recompute()


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(4))
def test_random_series_of_changes_keeps_counts_exact(world, seed):
    rng = random.Random(seed)
    branches = [world.branch_a1_1, world.branch_a1_2, world.branch_b_1]
    people = list(world.people.values())
    for _step in range(25):
        action = rng.choice(["create", "move", "standing", "category", "reduce", "reduce_many", "move_org"])
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
            elif action == "reduce_many":
                chosen = rng.sample(people, k=min(3, len(people)))
                people_reduce(
                    actor=None, plans=[(p, "deceased", dt.date(2024, 2, 1), "因病去世") for p in chosen]
                )
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


@pytest.mark.django_db
def test_many_reduced_at_once_all_or_nothing(world):
    from dangjian.audit.ledger.verify import verify
    from dangjian.audit.models import ChangeAction, ChangeRecord
    from dangjian.stats import counts as composition

    first, second = make_person(world.branch_a1_1, name="王芳"), make_person(world.branch_a1_2, name="李强")
    with pytest.raises(ValidationError) as info:
        people_reduce(
            actor=world.secretary,
            plans=[(first, "transferred_out", dt.date(2024, 1, 1), "转往外地"), (second, "deceased", dt.date(2999, 1, 1), " ")],
        )  # fmt: skip
    text = " ".join(info.value.messages)
    assert (
        "李强：您无权办理该人员的减少手续。" in text
        and "减少日期不能晚于今天" in text
        and "请填写减少说明" in text
    )
    assert Person.objects.get(pk=first.pk).is_active  # nothing changed
    assert people_reduce(
        actor=None, plans=[(first, "transferred_out", dt.date(2024, 1, 1), "转往外地"), (second, "deceased", dt.date(2024, 3, 1), "因病去世")]
    ) == 2  # fmt: skip
    assert {p.reduction for p in Person.objects.filter(pk__in=[first.pk, second.pk])} == {
        "transferred_out",
        "deceased",
    }
    assert_consistent()
    assert composition.stored() == composition.recompute()
    assert (
        ChangeRecord.objects.filter(action=ChangeAction.REDUCE, object_id__in=[first.pk, second.pk]).count()
        == 2
    )
    assert verify().ok
