from django.conf import settings
from django.db import models


class ChangeAction(models.TextChoices):
    CREATE = "create", "新建"
    UPDATE = "update", "修改"
    MOVE = "move", "调整隶属"
    DISSOLVE = "dissolve", "撤销"
    REDUCE = "reduce", "减少"
    DELETE = "delete", "删除"
    GRANT = "grant", "授权"
    REVOKE = "revoke", "撤销授权"


class ChangeRecord(models.Model):
    """One change to one record: who, when, what it was before and after.

    Personal identifiers (ID number, phone) are never copied here: the diff only says that they
    changed (see SENSITIVE_FIELDS in services).
    """

    time = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    request_id = models.UUIDField("请求编号", null=True, blank=True, db_index=True)
    action = models.CharField("操作", max_length=16, choices=ChangeAction.choices)
    object_type = models.CharField("对象类型", max_length=40)
    object_id = models.BigIntegerField("对象编号")
    object_repr = models.CharField("对象", max_length=200)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    message = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-time"], name="audit_object_time")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def changed_fields(self) -> list[tuple[str, object, object]]:
        before = self.before or {}
        after = self.after or {}
        keys = [k for k in after if before.get(k) != after.get(k)] if self.before else list(after)
        return [(k, before.get(k), after.get(k)) for k in keys]
