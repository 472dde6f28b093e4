"""Each task lands in exactly one queue of a real Redis broker: the one its route names."""

import pytest
import redis

from tests.processes import start_redis


@pytest.fixture
def broker(tmp_path):
    process, port = start_redis(tmp_path)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.stop()


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("members.tasks.send_outbox", "mail"),
        ("members.mailing.tasks.send_mailing", "bulk"),
        ("sigportal.tasks.record_worker_heartbeat", "default"),
    ],
)
def test_a_task_is_queued_once_in_its_own_queue(broker, task, queue):
    from sigportal.celery import app

    app.conf.task_always_eager = False
    with app.connection_for_write(broker) as connection:
        # A worker consuming every queue declares them all, with their bindings, before anything is sent.
        for declared in app.amqp.queues.values():
            declared(connection.default_channel).declare()
        app.send_task(task, connection=connection)
    lengths = {name: redis.Redis.from_url(broker).llen(name) for name in ("default", "mail", "bulk")}
    assert lengths == {name: int(name == queue) for name in lengths}
