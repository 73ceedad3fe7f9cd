"""`dangjian serve [ADDR:PORT]`: the web server and the background worker together.

What `make run` starts: the port is checked first (a taken port is reported before anything
claims to have started), then the worker (`dangjian worker`) runs as a child process and the
server in the foreground; one Ctrl-C stops both."""

from __future__ import annotations

import errno
import signal
import socket
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from dangjian.accounts.models import RoleAssignment, User
from dangjian.shell.demo import DEMO_PASSWORD


def _split(addrport: str) -> tuple[str, int]:
    host, _, port = addrport.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"端口“{port}”无效，应为 1–65535 之间的数字，例如 PORT=8001。")
    return host or "127.0.0.1", int(port)


def _port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(
                    f"端口 {port} 已被占用（可能系统已在运行）。请先停止占用它的程序，或换一个端口：make run PORT=8001"
                ) from None
            raise CommandError(f"无法在 {host}:{port} 上启动：{exc.strerror}") from None


class Command(BaseCommand):
    help = "启动网站和后台任务（http://127.0.0.1:8000），显示演示账号；Ctrl-C 同时停止两者"

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="只启动网站，不启动后台任务")

    def handle(self, *args, addrport, no_worker=False, **options):
        host, port = _split(addrport)
        _port_free(host, port)
        # SIGTERM (a service manager, `timeout`) stops the worker too, as Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "dangjian.cli", "worker"])
        try:
            self.stdout.write(self.style.SUCCESS(f"党建 已启动：http://{host}:{port}/"))
            if worker is not None:
                self.stdout.write("后台任务（大批量导出、导入）已随网站一起启动。按 Ctrl-C 同时停止。")
            self._print_logins()
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            if worker is not None and worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()

    def _print_logins(self) -> None:
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
