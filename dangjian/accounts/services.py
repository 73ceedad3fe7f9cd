"""Writes to accounts: users, role assignments and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.accounts import scope
from dangjian.accounts.models import Action, ApiToken, Role, RoleAssignment, User
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change
from dangjian.orgs.models import Org


@transaction.atomic
def user_create(*, actor, username: str, password: str, display_name: str = "") -> User:
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("只有系统管理员可以建立账号。"))
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": [_("请填写用户名。")]})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": [_("用户名“%(username)s”已存在。") % {"username": username}]})
    user = User(username=username, display_name=display_name)
    user.set_password(password)
    user.save()
    record_change(actor=actor, action=ChangeAction.CREATE, obj=user, after={gettext_noop("用户名"): username})
    return user


@transaction.atomic
def role_grant(*, actor, user: User, org: Org, role: str) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationError(_("角色无效。"))
    # An org admin may delegate inside their own subtree, never above it.
    if (actor is not None and not actor.is_superuser) and (
        not scope.can(actor, Action.CHANGE_ORG, org) or role == Role.ORG_ADMIN
    ):
        raise PermissionDenied(_("您无权在该党组织授予此角色。"))
    assignment, created = RoleAssignment.objects.get_or_create(user=user, org=org, role=role)
    if created:
        with translation.override(settings.LANGUAGE_CODE):  # the change log is stored in Chinese
            role_label = str(Role(role).label)
        record_change(
            actor=actor,
            action=ChangeAction.GRANT,
            obj=user,
            after={gettext_noop("角色"): role_label, gettext_noop("党组织"): org.name},
        )
    user.__dict__.pop("_dangjian_roles", None)
    return assignment


@transaction.atomic
def api_token_create(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """Return the token row and the raw token, which is shown once and never stored."""
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied(_("只能为自己创建 API 令牌。"))
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        user=user, name=name or "API", digest=ApiToken.digest_of(raw), prefix=raw[:8]
    )
    return token, raw
