from django.conf import settings
from django.db import models
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

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
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
