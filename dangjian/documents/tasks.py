"""Background tasks (Django Tasks API). Run a worker with `dangjian db_worker`."""

from django_tasks import task

from dangjian.documents import services


@task()
def run_export(job_id: int) -> str:
    """Write the file of an ExportJob, updating its progress as rows are written."""
    return services.export_run(job_id)
