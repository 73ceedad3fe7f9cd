"""Is a background worker running? It leaves a heartbeat file that pages read.

`dangjian worker` runs django-tasks' `db_worker` with a thread that touches the file every few
seconds; a queued job's page says plainly when no heartbeat is recent instead of waiting forever."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from django.conf import settings

BEAT_SECONDS = 5
STALE_SECONDS = 30


def heartbeat_path() -> Path:
    return Path(settings.VAR_DIR) / "worker.heartbeat"


def beat() -> None:
    heartbeat_path().write_text(str(time.time()))


def start_heartbeat() -> threading.Thread:
    def loop() -> None:
        while True:
            beat()
            time.sleep(BEAT_SECONDS)

    thread = threading.Thread(target=loop, name="worker-heartbeat", daemon=True)
    thread.start()
    return thread


def worker_seen_recently() -> bool:
    try:
        return time.time() - heartbeat_path().stat().st_mtime < STALE_SECONDS
    except OSError:
        return False
