"""The admin pages write through the services (validated and recorded); superusers only."""

from __future__ import annotations

import datetime as dt

import pytest

from dangjian.audit.models import ChangeAction, ChangeRecord
from dangjian.workcal.models import CalendarDay, CalendarYear


def test_superuser_adds_and_deletes_a_day(world, client_as):
    client = client_as(world.root)
    response = client.post(
        "/admin/workcal/calendarday/add/",
        {"date": "2027-01-01", "is_workday": "", "name": "元旦", "source": "国办发明电〔2026〕99号"},
    )
    assert response.status_code == 302, response.content.decode()
    row = CalendarDay.objects.get()
    assert (row.date, row.is_workday, row.updated_by) == (dt.date(2027, 1, 1), False, world.root)
    assert (
        ChangeRecord.objects.filter(object_type="workcal.calendarday", action=ChangeAction.CREATE).count()
        == 1
    )

    response = client.post(f"/admin/workcal/calendarday/{row.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert (
        ChangeRecord.objects.filter(object_type="workcal.calendarday", action=ChangeAction.DELETE).count()
        == 1
    )


def test_admin_form_shows_chinese_errors(world, client_as):
    client = client_as(world.root)
    response = client.post(
        "/admin/workcal/calendarday/add/", {"date": "2027-01-01", "name": "", "source": ""}
    )
    assert response.status_code == 200
    assert not CalendarDay.objects.exists()
    response = client.post(
        "/admin/workcal/calendaryear/add/", {"year": "2027", "complete": "on", "source": "x"}
    )
    assert response.status_code == 200
    assert "2027年尚未录入任何节假日或调休上班日" in response.content.decode()
    assert not CalendarYear.objects.exists()


@pytest.mark.parametrize("persona", ["admin", "secretary"])
def test_admin_site_is_for_superusers_only(world, client_as, persona):
    response = client_as(getattr(world, persona)).get("/admin/workcal/calendarday/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
