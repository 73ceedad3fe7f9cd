import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.people.models import Person


@pytest.mark.django_db
def test_api_stats_scoped(world, client_as):
    client = client_as(world.admin)
    response = client.get("/api/stats", {"code": "CITY", "start": "2024-01", "end": "2024-12"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["org_code"] == "CITY"
    assert data["active"]["n"] == Person.objects.filter(reduction="").count()
    assert len(data["trends"]) == 12
    assert [s["code"] for s in data["suborgs"]] == ["CTY-A", "CTY-B"]
    secretary = client_as(world.secretary)
    assert secretary.get("/api/stats", {"code": "CTY-B"}).status_code == 404
    assert secretary.get("/api/stats").json()["org_code"] == "BR-A1-1"


@pytest.mark.django_db
def test_stats_command(world, capsys):
    call_command("stats")
    out = capsys.readouterr().out
    assert "广安市委" in out and "党员（含预备党员）" in out and "下级组织" in out
    call_command("stats", "--org", "CTY-B", "--format", "json", "--from", "2024-01", "--to", "2024-03")
    data = json.loads(capsys.readouterr().out)
    assert data["org_code"] == "CTY-B" and data["members"]["n"] == 1 and len(data["trends"]) == 3
    with pytest.raises(CommandError):
        call_command("stats", "--org", "NOPE")
