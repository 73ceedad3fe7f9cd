from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "dangjian.stats"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from dangjian.base import hooks
        from dangjian.stats import counts

        # CompositionCount is kept by the people and org services' writes, through this hook.
        hooks.register_count_keeper(counts)
