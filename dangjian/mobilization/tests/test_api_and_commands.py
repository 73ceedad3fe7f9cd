"""The API router and `dangjian campaign`, plus the demo campaigns at `small` scale."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.mobilization import services
from dangjian.mobilization.models import Campaign, DutyDay, DutyService, Team, TeamMember
from dangjian.mobilization.tests.conftest import days_ago


def test_api_lists_and_scopes_campaigns(world, flood, epidemic, client_as):
    admin = client_as(world.admin).get("/api/mobilization/campaigns").json()
    assert {c["code"] for c in admin} == {"FX", "YQ2020"}
    secretary = client_as(world.secretary).get("/api/mobilization/campaigns").json()
    assert {c["code"] for c in secretary} == {"FX", "YQ2020"}  # both concern the branch
    client = client_as(world.outsider)
    assert client.get("/api/mobilization/campaigns").json() == []
    assert client.get(f"/api/mobilization/campaigns/{flood.pk}").status_code == 404
    assert client.get(f"/api/mobilization/campaigns/{flood.pk}/stats").status_code == 404


def test_api_creates_a_campaign_and_a_team_and_records_duty(world, client_as):
    client = client_as(world.organizer)
    response = client.post(
        "/api/mobilization/campaigns",
        {"org_code": "TOWN-A1", "name": "防汛", "kind": "flood", "starts_on": days_ago(2).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    campaign_id = response.json()["id"]
    bad = client.post(
        f"/api/mobilization/campaigns/{campaign_id}/teams",
        {"org_code": "BR-A1-1", "kind": "shock", "name": "突击队", "starts_on": days_ago(1).isoformat(),
         "leader_id": world.people["applicant"].pk},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 422 and "党员突击队的队长应由在册党员担任。" in bad.json()["errors"]["leader"]
    response = client.post(
        f"/api/mobilization/campaigns/{campaign_id}/teams",
        {"org_code": "BR-A1-1", "kind": "shock", "name": "突击队", "starts_on": days_ago(1).isoformat(),
         "leader_id": world.people["in_branch"].pk, "member_ids": [world.people["applicant"].pk],
         "others": [{"name": "王大妈", "phone": "13812345678"}]},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 201 and response.json()["size"] == 3 and response.json()["party"] == 1
    team = Team.objects.get(pk=response.json()["id"])
    shift = services.duty_plan(
        actor=world.organizer, team=team, first_day=days_ago(0), place="堤", periods=["白班"]
    )[0]
    members = list(TeamMember.objects.filter(team=team).values_list("pk", flat=True))
    viewer = client_as(world.viewer).post(
        f"/api/mobilization/shifts/{shift.pk}/served",
        {"member_ids": members},
        content_type="application/json",
    )
    assert viewer.status_code == 403
    response = client_as(world.organizer).post(
        f"/api/mobilization/shifts/{shift.pk}/served",
        {"member_ids": members},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["served"] == 3
    assert DutyService.objects.filter(shift=shift).count() == 3
    stats = client.get(f"/api/mobilization/campaigns/{campaign_id}/stats").json()
    assert stats["duty"]["person_days"] == 3 and stats["teams"]["shock"] == 1
    coverage = client.get(f"/api/mobilization/campaigns/{campaign_id}/coverage").json()
    assert coverage["gaps"] == [] and coverage["levels"]["unit"]["nodes"] == 0


def test_campaign_command_list_stats_close(world, flood, capsys):
    call_command("campaign", "list")
    assert "FX\t防汛救灾\t东城镇党委" in capsys.readouterr().out
    call_command("campaign", "list", "--user", "outsider")
    assert capsys.readouterr().out == ""
    with pytest.raises(CommandError, match="没有编号为“FX”的战时动员"):
        call_command("campaign", "stats", "FX", "--user", "outsider")
    call_command("campaign", "stats", "FX", "--format", "json", "--user", "secretary")
    data = json.loads(capsys.readouterr().out)
    assert data["campaign"]["code"] == "FX" and data["campaign"]["whole_campaign"] is False
    with pytest.raises(CommandError, match="您无权结束该战时动员"):
        call_command("campaign", "close", "FX", "--on", days_ago(0).isoformat(), "--user", "secretary")
    with pytest.raises(CommandError, match="格式不对"):
        call_command("campaign", "close", "FX", "--on", "2026/01/01")
    call_command("campaign", "close", "FX", "--on", days_ago(0).isoformat(), "--user", "organizer")
    assert Campaign.objects.get(code="FX").status == "closed"


@pytest.mark.django_db
def test_small_demo_campaigns():
    from dangjian.development.models import Case
    from dangjian.mobilization import selectors
    from dangjian.mobilization.demo import SCALES
    from dangjian.orgs.models import Org
    from dangjian.shell.demo import load_demo

    load_demo("small")
    epidemic = Campaign.objects.get(code="YQFK-2020")
    stats = selectors.campaign_stats(None, epidemic)
    scale = SCALES["small"]
    assert epidemic.status == "closed"
    assert stats.temporary_orgs["total"] == scale.temporary_orgs and stats.temporary_orgs["active"] == 0
    assert stats.teams["total"] == sum(scale.teams)
    assert stats.posts == {"posts": scale.posts, "zones": scale.zones, "total": scale.posts + scale.zones}
    assert stats.grid_gaps == scale.gaps
    assert stats.duty["days"] == scale.duty_days
    assert stats.duty["daily_average"] == scale.duty_teams * scale.duty_size
    # The recommended are the pipeline demo's frontline admissions (no person or case is added).
    frontline = Case.objects.exclude(special_basis="").count()
    assert stats.frontline["applications"] == stats.frontline["admitted"] == frontline
    assert stats.commendations["bulletins"] == 1
    # The duty counts agree with the services recorded.
    assert sum(DutyDay.objects.filter(campaign=epidemic).values_list("people", flat=True)) == (
        DutyService.objects.filter(shift__campaign=epidemic).count()
    )
    fire = Campaign.objects.get(code="SLFH-2026")
    assert (
        fire.is_active
        and Org.objects.filter(temporary_link__campaign=fire, dissolved_on__isnull=True).count() == 1
    )
