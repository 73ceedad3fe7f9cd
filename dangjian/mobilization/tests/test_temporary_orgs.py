"""The mobilization services for temporary party organizations.

What they write, what they refuse (in Chinese, changing nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.mobilization import services
from dangjian.mobilization.models import Secondment
from dangjian.mobilization.tests.conftest import _snapshot_counts, _temp_branch
from dangjian.orgs.models import Org
from dangjian.people import counts
from dangjian.people.models import Person

# ---- temporary party organizations ---------------------------------------------------------------


def test_temporary_org_is_an_org_of_the_tree_and_members_keep_their_home_org(world, flood):
    secretary = world.people["in_branch"]
    stored = counts.stored()
    link = _temp_branch(world, flood)
    assert link.org.kind == "temp_branch" and link.org.is_temporary
    assert Org.objects.get_parent(link.org) == world.town_a1
    assert link.approved_by == world.town_a1 and link.secretary == secretary
    member = services.secondment_add(
        actor=world.organizer,
        temporary_org=link,
        person=world.people["other_branch"],
        joined_on=flood.starts_on,
    )
    assert member.home_org == world.branch_a1_2
    assert {s.role for s in Secondment.objects.filter(temporary_org=link)} == {"secretary", "member"}
    # Membership (组织关系) of both is unchanged, and so are the pre-aggregated counts.
    assert Person.objects.get(pk=secretary.pk).org == world.branch_a1_1
    assert Person.objects.get(pk=member.person_id).org == world.branch_a1_2
    assert counts.stored() == stored == counts.recompute()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"secretary": "applicant"}, "secretary", "书记应由正式党员担任"),
        ({"approved_by": "branch"}, "approved_by", "不是党委"),
        ({"kind": "branch"}, "kind", "请选择临时党委、临时党支部或临时党小组"),
        ({"approved_on": dt.date(2019, 1, 1)}, "approved_on", "早于“防汛救灾”的开始日期"),
    ],
)
def test_temporary_org_bad_input_is_refused_and_nothing_changes(world, flood, change, field, message):
    kwargs = dict(
        actor=world.organizer, campaign=flood, parent=world.town_a1, kind="temp_branch", name="临时党支部",
        approved_by=world.town_a1, approved_on=flood.starts_on, secretary=world.people["in_branch"],
    )  # fmt: skip
    if change.get("secretary") == "applicant":
        kwargs["secretary"] = world.people["applicant"]
    elif change.get("approved_by") == "branch":
        kwargs["approved_by"] = world.branch_a1_1
    else:
        kwargs.update(change)
    before = _snapshot_counts()
    with pytest.raises(ValidationError) as exc:
        services.temporary_org_create(**kwargs)
    assert any(message in m for m in exc.value.message_dict[field]), exc.value.message_dict
    assert _snapshot_counts() == before


def test_a_branch_secretary_cannot_set_up_a_temporary_org(world, flood):
    with pytest.raises(PermissionDenied, match="上级党委的组织员"):
        services.temporary_org_create(
            actor=world.secretary, campaign=flood, parent=world.branch_a1_1, kind="temp_group", name="临时党小组",
            approved_by=world.town_a1, approved_on=flood.starts_on, secretary=world.people["in_branch"],
        )  # fmt: skip


def test_only_party_members_are_seconded(world, flood):
    link = _temp_branch(world, flood)
    with pytest.raises(ValidationError, match="不是在册党员"):
        services.secondment_add(
            actor=world.organizer,
            temporary_org=link,
            person=world.people["applicant"],
            joined_on=flood.starts_on,
        )
    with pytest.raises(ValidationError, match="已是该临时党组织的成员"):
        services.secondment_add(
            actor=world.organizer,
            temporary_org=link,
            person=world.people["in_branch"],
            joined_on=flood.starts_on,
        )


def test_what_a_temporary_org_may_do(world, epidemic, flood):
    flood_link = _temp_branch(world, flood)
    for power in ("dues", "discipline", "elections", "admit"):
        assert not services.temporary_org_may(flood_link.org, power, on=flood.starts_on)
    for power in ("study", "educate", "cultivate", "accept_applications", "recommend"):
        assert services.temporary_org_may(flood_link.org, power)
    with pytest.raises(ValidationError, match="不能收缴党费"):
        services.require_temporary_org_may(flood_link.org, "dues")
    # The 2020 frontline exception: an approved temporary org of the epidemic may admit, in 2020 only.
    covid = services.temporary_org_create(
        actor=world.admin, campaign=epidemic, parent=world.county_b, kind="temp_branch", name="驰援武汉医疗队临时党支部",
        approved_by=world.county_b, approved_on=dt.date(2020, 2, 1), secretary=world.people["in_branch"],
    )  # fmt: skip
    assert services.temporary_org_may(covid.org, "admit", on=dt.date(2020, 2, 17))
    assert not services.temporary_org_may(covid.org, "admit", on=dt.date(2021, 2, 17))
    assert not services.temporary_org_may(covid.org, "dues", on=dt.date(2020, 2, 17))
    assert services.temporary_org_may(world.branch_a1_1, "dues")  # ordinary orgs are not limited here
