"""`dangjian serve` (what `make run` starts): the worker with the server, one Ctrl-C for both, a
taken port reported before anything claims to have started, DEBUG off with static files served."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.core.management import CommandError, call_command


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_a_taken_port_is_reported_before_starting(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"端口 {port} 已被占用.*PORT=8001"):
            call_command("serve", f"127.0.0.1:{port}", "--no-worker")
    assert "已启动" not in capsys.readouterr().out


def test_a_bad_port_is_refused():
    with pytest.raises(CommandError, match="端口“http”无效"):
        call_command("serve", "127.0.0.1:http", "--no-worker")


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _workers(var: str) -> int:
    out = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return sum(1 for line in out.splitlines() if "dangjian.cli worker" in line and "ps -eo" not in line)


def test_server_and_worker_start_together_and_stop_on_one_ctrl_c(tmp_path):
    env = dict(os.environ, DANGJIAN_VAR_DIR=str(tmp_path), DEBUG="false", DANGJIAN_LOCAL="1")
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "dangjian.cli", "migrate", "-v0"], env=env, check=True, timeout=300)
    port = _free_port()
    before = _workers(str(tmp_path))
    server = subprocess.Popen(
        [sys.executable, "-m", "dangjian.cli", "serve", f"127.0.0.1:{port}"], env=env, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                status, body = _get(f"http://127.0.0.1:{port}/login/")
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not answer")
        assert status == 200 and "党建".encode() in body
        assert _get(f"http://127.0.0.1:{port}/static/dangjian/app.js")[0] == 200  # WhiteNoise, DEBUG off
        status, body = _get(f"http://127.0.0.1:{port}/no/such/page/")
        assert (
            status == 404 and b"Page not found" not in body and b"URLconf" not in body
        )  # not the debug page
        for _ in range(50):
            if (tmp_path / "worker.heartbeat").exists():
                break
            time.sleep(0.2)
        assert (tmp_path / "worker.heartbeat").exists() and _workers(str(tmp_path)) == before + 1
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C in the terminal: the whole foreground group
        output, _ = server.communicate(timeout=30)
    assert "后台任务" in output
    for _ in range(50):
        if _workers(str(tmp_path)) == before:
            break
        time.sleep(0.2)
    assert _workers(str(tmp_path)) == before
