from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChangeAction(models.TextChoices):
    CREATE = "create", pgettext_lazy("change action", "新建")
    UPDATE = "update", pgettext_lazy("change action", "修改")
    MOVE = "move", pgettext_lazy("change action", "调整隶属")
    DISSOLVE = "dissolve", pgettext_lazy("change action", "撤销")
    REDUCE = "reduce", pgettext_lazy("change action", "减少")
    DELETE = "delete", pgettext_lazy("change action", "删除")
    GRANT = "grant", pgettext_lazy("change action", "授权")
    REVOKE = "revoke", pgettext_lazy("change action", "撤销授权")


class ChangeRecord(models.Model):
    """One change to one record: who, when, what it was before and after.

    Personal identifiers (ID number, phone) are never copied here: the diff only says that they
    changed (see SENSITIVE_FIELDS in services).
    """

    # Set by the ledger before hashing (not auto_now_add, which would overwrite it on save).
    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    request_id = models.UUIDField(_("请求编号"), null=True, blank=True, db_index=True)
    action = models.CharField(_("操作"), max_length=16, choices=ChangeAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=40)
    object_id = models.BigIntegerField(_("对象编号"))
    object_repr = models.CharField(_("对象"), max_length=200)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    message = models.CharField(_("说明"), max_length=500, blank=True)
    # The change log is hash-chained in id order (audit/ledger.py): deleting, editing or inserting a
    # row behind the application's back breaks the chain.
    prev_hash = models.CharField(_("前一记录哈希"), max_length=64, blank=True, default="")
    hash = models.CharField(_("哈希"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-time"], name="audit_object_time")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before = self.before or {}
        after = self.after or {}
        keys = [k for k in after if before.get(k) != after.get(k)] if self.before else list(after)
        return [(k, before.get(k), after.get(k)) for k in keys]


class SealRecord(models.Model):
    """The digest of one sealed row's content after a write (empty digest: the row was deleted).

    Append-only and hash-chained like the change log (audit/ledger.py). The latest entry of a row is
    its seal; `dangjian audit verify` recomputes every sealed row's digest and compares.
    """

    object_type = models.CharField(_("对象类型"), max_length=40)
    object_id = models.BigIntegerField(_("对象编号"))
    digest = models.CharField(_("内容摘要"), max_length=64, blank=True)
    prev_hash = models.CharField(_("前一记录哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        verbose_name = _("封存记录")
        verbose_name_plural = _("封存记录")

    def __str__(self) -> str:
        return f"{self.object_type} #{self.object_id}"


class AuditHead(models.Model):
    """The heads of the change-log chain and of the seal chain (one row, pk 1).

    Every append to either chain locks this row (select_for_update) until its transaction ends, so
    appends are serialised and ids follow chain order; verify compares it with the last rows, which
    is how deleting the newest rows (or adding rows behind the application's back) is noticed.
    """

    log_last_id = models.BigIntegerField(_("最后变更记录编号"), default=0)
    log_hash = models.CharField(_("变更记录链首哈希"), max_length=64)
    log_count = models.BigIntegerField(_("变更记录数"), default=0)
    seal_last_id = models.BigIntegerField(_("最后封存记录编号"), default=0)
    seal_hash = models.CharField(_("封存链首哈希"), max_length=64)
    seal_count = models.BigIntegerField(_("封存记录数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("变更记录链首")
        verbose_name_plural = _("变更记录链首")

    def __str__(self) -> str:
        return f"{self.log_count} / {self.seal_count}"
