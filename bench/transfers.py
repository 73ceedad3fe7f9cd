"""Time 组织关系转接 on the loaded demo, on whatever database the environment selects.

Prints JSON: {name: {"median": ms, "p90": ms, "n": n, ...}}.
- `transfer_receive`: receiving a transfer (transfers.services.transfer_receive as the 组织部管理员):
  the transfer's row, the person's file moved to a branch in another county, the subtree counts and
  the composition counts of both sides, the development case if any, the change log — target ≤ 150 ms.
  Each round submits and approves a fresh transfer of another member (untimed), times the receipt,
  and rolls everything back, so the database is left as it was.
- `transfer_receive_page`: the same receipt through the whole HTTP stack (the page's POST).
- `transfer_lists_page`: the incoming list of the whole city as the 组织部管理员.
- `transfer_batch_500`: 500 members sent, reviewed and received as one batch (批量转接:
  transfers_submit_many, transfers_approve_many, transfers_receive_many), then `counts check` on the
  changed counts before the rollback — target ≤ 10 s for the batch (`--batch-repeat` rounds).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django

django.setup()

from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.stats import _summary, timed_get  # noqa: E402
from dangjian.accounts.models import User  # noqa: E402
from dangjian.orgs.models import Org, OrgKind  # noqa: E402
from dangjian.people import counts  # noqa: E402
from dangjian.people.models import Person  # noqa: E402
from dangjian.transfers import services  # noqa: E402
from dangjian.transfers.models import Status, Transfer  # noqa: E402


class Rollback(Exception):
    pass


def _setup():
    counties = list(Org.objects.filter(depth=2).order_by("path")[:2])
    target = (
        Org.objects.filter(path__startswith=counties[1].path, kind=OrgKind.BRANCH, dissolved_on__isnull=True)
        .order_by("path")
        .first()
    )
    busy = Transfer.objects.filter(status__in=[Status.SUBMITTED, Status.PENDING]).values("person_id")
    people = list(
        Person.objects.filter(org__path__startswith=counties[0].path, reduction="", standing="full")
        .exclude(pk__in=busy)
        .order_by("id")[:700]
    )
    return target, people


def one_round(user, person, target, via: Client | None, samples: list[float]) -> None:
    try:
        with transaction.atomic():
            t = services.transfer_submit(actor=user, person=person, to_org=target, reason="work")
            t = services.transfer_approve(actor=user, transfer=t)
            started = time.perf_counter()
            if via is None:
                services.transfer_receive(actor=user, transfer=t)
            else:
                response = via.post(f"/transfers/{t.pk}/receive/")
                assert response.status_code == 302, response.status_code
            samples.append((time.perf_counter() - started) * 1000)
            t.refresh_from_db()
            assert t.status == Status.RECEIVED
            raise Rollback
    except Rollback:
        pass


def batch_round(user, people, target, samples: list[float]) -> None:
    try:
        with transaction.atomic():
            started = time.perf_counter()
            done = services.transfers_submit_many(actor=user, people=people, to_org=target, reason="work")
            done = services.transfers_approve_many(actor=user, transfers=done)
            services.transfers_receive_many(actor=user, transfers=done)
            samples.append((time.perf_counter() - started) * 1000)
            assert counts.stored() == counts.recompute(), "counts differ after the batch"
            raise Rollback
    except Rollback:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--batch-repeat", type=int, default=3)
    args = parser.parse_args()
    setup_test_environment()
    user = User.objects.get(username="zzb_admin")
    client = Client()
    client.force_login(user)
    target, people = _setup()
    results = {}
    for name, via in (("transfer_receive", None), ("transfer_receive_page", client)):
        samples: list[float] = []
        one_round(user, people[0], target, via, [])  # warm
        for person in people[1 : args.repeat + 1]:
            one_round(user, person, target, via, samples)
        results[name] = _summary(
            samples, target=target.name, people=Person.objects.filter(reduction="").count()
        )
    results["transfer_lists_page"] = timed_get(client, "/transfers/?tab=in&all=1", args.repeat)
    batch: list[float] = []
    for _ in range(args.batch_repeat):
        batch_round(user, people[-500:], target, batch)
    results["transfer_batch_500"] = _summary(batch, members=500, counts_exact=True)
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
