"""Time the reserve pool (后备力量库) on the loaded demo, on whatever database the environment selects.

Prints JSON: {name: {"median": ms, "p90": ms, "n": n, ...}}.
- `talent_coverage_root`: talent.selectors.coverage for the whole jurisdiction (every village and
  community against R-TALENT-POOL) as the 组织部管理员;
- `talent_structure_root`: talent.selectors.structure for the whole jurisdiction;
- `talent_coverage_and_structure_root`: both together — target ≤ 500 ms on the city demo;
- `talent_elected_from_pool_root`: of the members elected at the latest village 换届, how many came
  from the pool (selectors.elected_from_pool);
- `talent_coverage_page_root`, `talent_structure_page_root`: the pages through the Django stack.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangjian.settings")

import django

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.stats import timed_call, timed_get  # noqa: E402
from dangjian.accounts.models import User  # noqa: E402
from dangjian.orgs.models import Org  # noqa: E402
from dangjian.talent import selectors  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    user = User.objects.get(username="zzb_admin")
    client = Client()
    client.force_login(user)
    root = Org.objects.get(depth=1)
    report = selectors.coverage(user, root)
    figures = selectors.structure(user, root)

    def both():
        selectors.coverage(user, root)
        selectors.structure(user, root)

    results = {
        "talent_coverage_root": timed_call(lambda: selectors.coverage(user, root), args.repeat),
        "talent_structure_root": timed_call(lambda: selectors.structure(user, root), args.repeat),
        "talent_coverage_and_structure_root": timed_call(both, args.repeat),
        "talent_elected_from_pool_root": timed_call(
            lambda: selectors.elected_from_pool(user, root), args.repeat
        ),
        "talent_coverage_page_root": timed_get(client, f"/talent/org/{root.pk}/coverage/", args.repeat),
        "talent_structure_page_root": timed_get(client, f"/talent/org/{root.pk}/structure/", args.repeat),
    }
    results["talent_coverage_and_structure_root"].update(
        villages=len(report.villages), below=len(report.below), in_pool=report.entries, ever=figures.ever
    )
    print(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
