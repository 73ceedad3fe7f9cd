import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.accounts.models import RoleAssignment, User
from dangjian.base.idnumber import parse_id_number
from dangjian.orgs.models import Org
from dangjian.orgs.selectors import suborg_counts
from dangjian.people import counts
from dangjian.people.models import Person, Standing
from dangjian.shell.demo import SCALES, build_tree, load_demo


def _grassroots(node: dict, top=True) -> int:
    own = 0 if node.get("is_local_committee") or node["kind"] == "party_group" else 1
    return own + sum(_grassroots(c, False) for c in node.get("children", []))


@pytest.mark.parametrize("scale", ["small", "county", "city"])
def test_tree_has_exactly_the_grassroots_count_of_the_scale(scale):
    tree = build_tree(SCALES[scale], random.Random(f"2020-{scale}"))
    assert _grassroots(tree) == SCALES[scale].grassroots


def test_tree_is_deterministic_for_a_seed():
    one = build_tree(SCALES["county"], random.Random("2020-county"))
    two = build_tree(SCALES["county"], random.Random("2020-county"))
    other = build_tree(SCALES["county"], random.Random("2021-county"))
    assert one == two
    assert one != other


@pytest.mark.django_db
def test_small_demo_loads_valid_people_in_every_standing():
    result = load_demo("small")
    root = User.objects.get(username="root")
    assert result.people + SCALES["small"].frontline == Person.objects.count()
    from dangjian.development.models import Case
    from dangjian.development.services import current_records, milestones

    assert Case.objects.exclude(special_basis="").count() == SCALES["small"].frontline
    assert {c.stage for c in Case.objects.all()} >= {1, 2, 5, 6}
    for case in Case.objects.select_related("person"):
        derived = milestones(current_records(case))
        assert all(getattr(case.person, k) == v for k, v in derived.items()), case.person.name
    assert suborg_counts(root)["grassroots"] == SCALES["small"].grassroots
    standings = set(Person.objects.values_list("standing", flat=True))
    assert standings == set(Standing.values)
    members = Person.objects.filter(standing__in=["probationary", "full"]).count()
    assert members == SCALES["small"].members + SCALES["small"].frontline
    for person in Person.objects.all():
        info = parse_id_number(person.id_number)
        assert info.birth_date == person.birth_date
        assert info.gender == person.gender
    assert Person.objects.exclude(reduction="").exists()
    assert counts.recompute() == counts.stored()
    assert Org.objects.find_problems() == ([], [], [], [], [])
    roles = set(RoleAssignment.objects.values_list("user__username", "role"))
    assert {
        ("zzb_admin", "org_admin"),
        ("organizer", "committee_organizer"),
        ("secretary", "branch_secretary"),
        ("viewer", "viewer"),
    } <= roles


@pytest.mark.django_db
def test_demo_command_refuses_a_database_with_data(world, capsys):
    with pytest.raises(CommandError, match="数据库已有数据"):
        call_command("demo", "--scale", "small")
    call_command("demo", "--scale", "small", "--if-empty")
    assert "跳过" in capsys.readouterr().out
    assert not User.objects.filter(username="zzb_admin").exists()
