"""Background tasks (Django Tasks API). Run a worker with `dangjian db_worker`."""

from django_tasks import task

from dangjian.development import due


@task()
def refresh_due_list() -> int:
    """Recompute every due item; scheduled daily (cron: `dangjian due refresh --enqueue`)."""
    return due.refresh()
