from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dangjian.accounts"
    verbose_name = "账号与授权"

    def ready(self) -> None:
        from dangjian.accounts import middleware, security  # noqa: F401  (connect their signal receivers)
