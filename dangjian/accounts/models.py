from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("显示名称"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name()


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("组织部管理员")
    COMMITTEE_ORGANIZER = "committee_organizer", _("党委组织员")
    BRANCH_SECRETARY = "branch_secretary", _("支部书记")
    BRANCH_ORGANIZER = "branch_organizer", _("组织委员")
    DUES_COLLECTOR = "dues_collector", _("党费收缴员")
    VIEWER = "viewer", _("只读查看")


class Action(models.TextChoices):
    VIEW = "view", _("查看")
    CHANGE_PERSON = "change_person", _("维护人员档案")
    CHANGE_ORG = "change_org", _("维护党组织")
    VIEW_PERSONAL_DATA = "view_personal_data", _("查看完整身份证号和电话")
    MANAGE_DUES = "manage_dues", _("办理党费收缴、上缴和使用")
    # 党费交纳基数 (income) is personal data: only the branch's secretary, 组织委员 and dues collector.
    VIEW_DUES_INCOME = "view_dues_income", _("查看党费交纳基数（收入）")


ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ORG_ADMIN: frozenset(Action.values) - {Action.VIEW_DUES_INCOME},
    Role.COMMITTEE_ORGANIZER: frozenset(
        {Action.VIEW, Action.CHANGE_PERSON, Action.CHANGE_ORG, Action.VIEW_PERSONAL_DATA, Action.MANAGE_DUES}
    ),
    Role.BRANCH_SECRETARY: frozenset(
        {
            Action.VIEW,
            Action.CHANGE_PERSON,
            Action.VIEW_PERSONAL_DATA,
            Action.MANAGE_DUES,
            Action.VIEW_DUES_INCOME,
        }
    ),
    Role.BRANCH_ORGANIZER: frozenset(
        {
            Action.VIEW,
            Action.CHANGE_PERSON,
            Action.VIEW_PERSONAL_DATA,
            Action.MANAGE_DUES,
            Action.VIEW_DUES_INCOME,
        }
    ),
    Role.DUES_COLLECTOR: frozenset({Action.VIEW, Action.MANAGE_DUES, Action.VIEW_DUES_INCOME}),
    Role.VIEWER: frozenset({Action.VIEW}),
}


class RoleAssignment(models.Model):
    """A role held on an org and everything below it."""

    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="roles")
    org = models.ForeignKey("orgs.Org", verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="unique_role_assignment")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org}"


def default_token_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.DANGJIAN_API_TOKEN_DAYS)


class ApiToken(models.Model):
    """A bearer token for the HTTP API. Only a SHA-256 digest of the token is stored."""

    user = models.ForeignKey(
        User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("用途"), max_length=60)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires_at = models.DateTimeField(_("到期时间"), default=default_token_expiry)
    # Revoked tokens are kept (who had which token when), never deleted.
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def new_raw_token() -> str:
        return "dj_" + secrets.token_urlsafe(32)
