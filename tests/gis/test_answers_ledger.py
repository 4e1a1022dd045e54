"""The answers ledger on a real PostgreSQL cluster: a claim makes a second worker wait and then
take the stored answer; a worker's death lets go of its claims at once."""

import datetime as dt
import threading
import time

import psycopg2
import pytest

from crowdheat.plugin.core.answers_ledger import PostgresAnswers
from crowdheat.plugin.core.errors import CancelledError

BASE, DAY = "https://jike.example", dt.date(2025, 11, 20)
BODY = {"fence": [[114.05, 22.53], [114.06, 22.53], [114.06, 22.54], [114.05, 22.53]], "cell_level": 16}


@pytest.fixture
def connect(postgis):
    def connect():
        return psycopg2.connect(host="127.0.0.1", port=postgis.port, user=postgis.user, dbname=postgis.dbname)

    db = connect()
    db.autocommit = True
    with db.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS crowdheat_answers")
    db.close()
    return connect


def test_a_second_worker_waits_for_the_claim_then_takes_the_answer(connect):
    first, second = PostgresAnswers(connect, poll_s=0.05), PostgresAnswers(connect, poll_s=0.05)
    try:
        assert first.claim(BASE, BODY, DAY) is None  # nobody has it: the first worker asks the service
        got = {}
        waiting = threading.Thread(target=lambda: got.update(answer=second.claim(BASE, BODY, DAY)))
        waiting.start()
        time.sleep(0.3)
        assert waiting.is_alive()  # the second waits while the first is paying
        first.put(BASE, BODY, DAY, b'{"answer": 1}')
        waiting.join(10)
        assert got["answer"].tobytes() == b'{"answer": 1}' and second.count() == 1
    finally:
        first.close()
        second.close()


def test_a_dead_workers_claim_goes_with_its_connection(connect):
    doomed, rescuer = PostgresAnswers(connect), PostgresAnswers(connect)
    try:
        assert doomed.claim(BASE, BODY, DAY) is None
        doomed.close()  # its connection ends (as when its process is killed): its claim goes
        started = time.monotonic()  # a claim that outlived its holder would make this wait for ever
        gave_up = lambda: time.monotonic() - started > 120  # noqa: E731
        assert rescuer.claim(BASE, BODY, DAY, is_cancelled=gave_up) is None  # the rescuer holds it now
    finally:
        rescuer.close()


def test_a_cancel_stops_the_wait(connect):
    holder, waiter = PostgresAnswers(connect), PostgresAnswers(connect, poll_s=0.05)
    try:
        holder.claim(BASE, BODY, DAY)
        with pytest.raises(CancelledError):
            waiter.claim(BASE, BODY, DAY, is_cancelled=lambda: True)
    finally:
        holder.close()
        waiter.close()
