"""Writes to accounts: users, role assignments and API tokens."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dangjian.accounts import scope
from dangjian.accounts.models import Action, ApiToken, Role, RoleAssignment, User
from dangjian.audit.models import ChangeAction
from dangjian.audit.services import record_change
from dangjian.orgs.models import Org

security_log = logging.getLogger("dangjian.security")


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
def password_change(*, actor: User, user: User, old_password: str, new_password: str) -> None:
    """A user changes their own password; the new one must pass every AUTH_PASSWORD_VALIDATORS."""
    if actor.pk != user.pk:
        raise PermissionDenied(_("只能修改自己的密码。"))
    if not user.check_password(old_password):
        raise ValidationError({"old_password": [_("原密码不正确。")]})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The change log says that the password changed, never what it is.
    record_change(actor=actor, action=ChangeAction.UPDATE, obj=user, message=gettext_noop("修改了密码"))


@transaction.atomic
def api_token_create(*, actor, user: User, name: str, valid_days: int | None = None) -> tuple[ApiToken, str]:
    """Return the token row and the raw token, which is shown once and never stored."""
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied(_("只能为自己创建 API 令牌。"))
    days = settings.DANGJIAN_API_TOKEN_DAYS if valid_days is None else valid_days
    if not 1 <= days <= 366:
        raise ValidationError({"valid_days": [_("有效期应在 1 到 366 天之间。")]})
    raw = ApiToken.new_raw_token()
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:60] or "API",
        digest=ApiToken.digest_of(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    # Not in the change log (a token is the user's own tool, like a password); the security log
    # keeps who made which token, by its public prefix.
    security_log.info("api token created: user=%s prefix=%s by=%s", user.username, token.prefix,
                      getattr(actor, "username", "-"))  # fmt: skip
    return token, raw


def can_revoke_token(actor, token: ApiToken) -> bool:
    """The owner, a superuser, or a 组织部管理员 whose subtree covers every role the owner holds."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_superuser or actor.pk == token.user_id:
        return True
    owner = token.user
    if owner.is_superuser:
        return False
    owner_roles = list(RoleAssignment.objects.filter(user=owner).select_related("org"))
    admin_paths = list(
        RoleAssignment.objects.filter(user=actor, role=Role.ORG_ADMIN).values_list("org__path", flat=True)
    )
    return bool(owner_roles) and all(
        any(ra.org.path.startswith(p) for p in admin_paths) for ra in owner_roles
    )


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if actor is not None and not can_revoke_token(actor, token):
        raise PermissionDenied(_("您无权吊销该 API 令牌。"))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_change(
            actor=actor, action=ChangeAction.REVOKE, obj=token, message=gettext_noop("吊销 API 令牌")
        )
    return token
