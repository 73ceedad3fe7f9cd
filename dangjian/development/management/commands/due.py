import time

from django.core.management.base import BaseCommand

from dangjian.development import due
from dangjian.development.tasks import refresh_due_list


class Command(BaseCommand):
    help = "待办事项：refresh 重新计算（供每日定时任务调用）；加 --enqueue 交给后台任务执行"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["refresh"])
        parser.add_argument(
            "--enqueue", action="store_true", help="放入后台任务队列（由 dangjian db_worker 执行）"
        )

    def handle(self, *args, action, enqueue, **options):
        if enqueue:
            result = refresh_due_list.enqueue()
            self.stdout.write(self.style.SUCCESS(f"已加入后台任务队列（任务 {result.id}）。"))
            return
        started = time.perf_counter()
        count = due.refresh()
        self.stdout.write(
            self.style.SUCCESS(f"待办事项已更新：{count} 项，用时 {time.perf_counter() - started:.1f} 秒。")
        )
