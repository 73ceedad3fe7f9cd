"""What the documents commands share: --org CODE and --user NAME, resolved against the scope."""

from __future__ import annotations

from django.core.management.base import CommandError

from dangjian.accounts import scope
from dangjian.accounts.models import Action, User
from dangjian.orgs.models import Org


def add_org_user(parser) -> None:
    parser.add_argument("--org", required=True, help="组织代码")
    parser.add_argument("--user", help="按该用户的授权范围（默认：全部）")


def resolve(org: str, user: str | None, *, unmask: bool = False) -> tuple[Org, User | None]:
    node = Org.objects.filter(code=org).first()
    if node is None:
        raise CommandError(f"组织代码“{org}”不存在。")
    actor = None
    if user:
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"用户“{user}”不存在或已停用。")
        if not scope.can(actor, Action.VIEW, node):
            raise CommandError(f"“{node.name}”不在用户“{user}”的授权范围内。")
        if unmask and not scope.can(actor, Action.VIEW_PERSONAL_DATA, node):
            raise CommandError(f"用户“{user}”无权查看完整公民身份号码和电话。")
    return node, actor
