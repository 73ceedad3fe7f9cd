import time

from django.core.management.base import BaseCommand, CommandError

from dangjian.shell.demo import DEMO_PASSWORD, SCALES, database_is_empty, load_demo


class Command(BaseCommand):
    help = "载入演示辖区（确定性数据）：--scale small|county|city"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="county", help="演示数据规模")
        parser.add_argument("--seed", type=int, default=2020, help="随机种子（相同种子生成相同数据）")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有数据时什么也不做")

    def handle(self, *args, scale, seed, if_empty, **options):
        if not database_is_empty():
            if if_empty:
                self.stdout.write("数据库已有数据，跳过演示数据载入。")
                return
            raise CommandError("数据库已有数据。演示数据只能载入空数据库（可加 --if-empty 跳过）。")
        started = time.perf_counter()

        cpu_started = time.process_time()

        def log(message: str) -> None:  # each step with the seconds since the start, to see what is slow
            wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            self.stdout.write(f"[{wall:6.1f} s, CPU {cpu:6.1f} s] {message}")

        result = load_demo(scale, seed=seed, log=log)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已载入：{result.orgs} 个党组织，{result.people} 份人员档案，用时 {elapsed:.1f} 秒。"
            )
        )
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role, scope_name in result.logins:
            self.stdout.write(f"  {username:<12} {role:<8} {scope_name}")
