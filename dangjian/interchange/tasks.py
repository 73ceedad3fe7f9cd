"""Background tasks (Django Tasks API). Run a worker with `dangjian db_worker`."""

from django_tasks import task

from dangjian.interchange import services


@task()
def run_import(job_id: int) -> str:
    """Run a queued workbook import, recording its phases and outcome on the ImportJob."""
    return services.import_run(job_id)
