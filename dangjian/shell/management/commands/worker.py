from django.core.management import call_command
from django.core.management.base import BaseCommand

from dangjian.base.worker import start_heartbeat


class Command(BaseCommand):
    help = "运行后台任务（大批量导出、导入等），并让页面知道后台任务正在运行"

    def handle(self, *args, **options):
        start_heartbeat()
        call_command("db_worker")
