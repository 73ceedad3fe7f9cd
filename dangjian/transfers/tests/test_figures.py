"""The figures of 组织关系转接: one definition each, by completion date, drilling down to the rows."""

from __future__ import annotations

import datetime as dt

import time_machine

from dangjian.transfers import services
from dangjian.transfers.figures import transfer_figures

D = dt.date


def _received(world, receiver):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC), tick=False):
        t = services.transfer_submit(actor=world.secretary, person=world.people["in_branch"],
                                     to_org=world.branch_b_1, reason="work")  # fmt: skip
        t = services.transfer_approve(actor=world.organizer, transfer=t)
        return services.transfer_receive(actor=receiver, transfer=t)


def test_a_move_counts_out_of_one_subtree_into_the_other_and_not_inside_their_common_root(world, receiver):
    _received(world, receiver)
    march, today = (D(2026, 3, 1), D(2026, 3, 31)), D(2026, 3, 2)
    town = dict((k, n) for k, _label, n in transfer_figures(world.admin, world.town_a1, *march, today))
    county_b = dict((k, n) for k, _label, n in transfer_figures(world.admin, world.county_b, *march, today))
    city = dict((k, n) for k, _label, n in transfer_figures(world.admin, world.city, *march, today))
    assert (town["out_inside"], town["in_inside"]) == (1, 0)
    assert (county_b["out_inside"], county_b["in_inside"]) == (0, 1)
    assert city["out_inside"] == city["in_inside"] == 0  # a move inside the city is neither
    april = dict(
        (k, n)
        for k, _l, n in transfer_figures(world.admin, world.town_a1, D(2026, 4, 1), D(2026, 4, 30), today)
    )
    assert april["out_inside"] == 0  # judged by the date it was completed


def test_the_page_drills_down_and_refuses_what_is_out_of_scope(world, receiver, client_as):
    t = _received(world, receiver)
    client = client_as(world.admin)
    query = f"org={world.town_a1.pk}&from=2026-03&to=2026-03"
    page = client.get(f"/transfers/figures/?{query}").content.decode()
    assert 'data-figure="out_inside">1<' in page
    rows = client.get(f"/transfers/figures/?{query}&figure=out_inside").content.decode()
    assert f"/transfers/{t.pk}/" in rows and world.people["in_branch"].name in rows
    secretary = client_as(world.secretary)
    assert secretary.get(f"/transfers/figures/?org={world.county_b.pk}").status_code == 404
    assert client.get("/transfers/figures/?from=2026-13").status_code == 400
