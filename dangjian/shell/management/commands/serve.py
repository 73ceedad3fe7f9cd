from django.core.management import call_command
from django.core.management.base import BaseCommand

from dangjian.accounts.models import RoleAssignment, User
from dangjian.shell.demo import DEMO_PASSWORD


class Command(BaseCommand):
    help = "启动开发服务器（http://127.0.0.1:8000）并显示演示账号"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        self.stdout.write(self.style.SUCCESS(f"党建 已启动：http://{addrport}/"))
        demo = [
            u
            for u in ("root", "zzb_admin", "organizer", "secretary", "viewer")
            if User.objects.filter(username=u).exists()
        ]
        if demo:
            self.stdout.write(f"演示账号（密码 {DEMO_PASSWORD}）：")
            for username in demo:
                roles = RoleAssignment.objects.filter(user__username=username).select_related("org")
                label = "；".join(f"{r.get_role_display()} · {r.org.name}" for r in roles) or "系统管理员"
                self.stdout.write(f"  {username:<12} {label}")
        call_command("runserver", addrport, use_reloader=False)
