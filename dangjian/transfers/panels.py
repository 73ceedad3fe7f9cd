"""What the transfers app adds to the core's pages (registered in apps.py): on the person file the
转出中 mark (with the target and the letter) or the 转出 button; on the org page a link to the lists."""

from __future__ import annotations

from dangjian.base.panels import Panel


def _person_transfer(request, person, page) -> dict | None:
    from dangjian.transfers.selectors import open_transfer_of

    if not person.is_active:
        return None
    transfer = open_transfer_of(person)
    if transfer is None and not page.get("can_change"):
        return None
    return {"person": person, "transfer": transfer, "can_start": page.get("can_change") and transfer is None}


def _org_link(request, org, page) -> dict:
    from dangjian.accounts import scope
    from dangjian.accounts.models import Action

    return {"org": org, "can_batch": org.is_active and scope.can(request.user, Action.CHANGE_PERSON, org)}


PERSON_TRANSFER = Panel(
    "transfers-person", "transfers/panels/person.html", _person_transfer, place="actions", order=30
)
ORG_LINK = Panel("transfers-org", "transfers/panels/org_link.html", _org_link, place="actions", order=40)
