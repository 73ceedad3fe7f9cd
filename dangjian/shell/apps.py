from django.apps import AppConfig


class ShellConfig(AppConfig):
    """The site shell: home page, navigation, error pages, demo orchestration, serve, systemcheck."""

    name = "dangjian.shell"
    verbose_name = "站点"
