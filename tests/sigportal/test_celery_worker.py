import pytest

from sigportal.models import WorkerHeartbeat
from sigportal.tasks import record_worker_heartbeat
from tests.worker import wait_for


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_queued_task_and_its_result_lands_in_the_database(celery_worker):
    assert not WorkerHeartbeat.objects.exists()

    record_worker_heartbeat.apply_async(kwargs={"source": "test-suite"}, queue=celery_worker.queue)

    beat = wait_for(lambda: WorkerHeartbeat.objects.filter(source="test-suite").first(), worker=celery_worker)
    assert beat.created_at is not None
    assert "record_worker_heartbeat" in celery_worker.log()


def test_tasks_run_inline_in_the_test_suite_by_default(db):
    record_worker_heartbeat.delay(source="inline")
    assert WorkerHeartbeat.objects.filter(source="inline").count() == 1
