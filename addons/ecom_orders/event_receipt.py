"""The receipts of storefront webhooks come before their processing: the
drainer (event_process.py) waits while this process is receiving webhooks
of its database; on SQLite the receipts' writes take turns."""
import contextlib
import threading
import time
from collections import defaultdict

from trytond import backend

# Answering comes first: a drainer waits (at most YIELD_SECONDS a batch)
# while webhooks of its database are being received in this process, and
# until none came for QUIET_SECONDS (in a burst, the next is on its way:
# the drainer's work would hold the GIL and SQLite's lock it waits for).
YIELD_SECONDS = 5.0
QUIET_SECONDS = 0.15
_store_locks = defaultdict(threading.Lock)
_inflight = defaultdict(int)
_last_receipt = defaultdict(float)
_inflight_lock = threading.Lock()


@contextlib.contextmanager
def receiving(database_name):
    "Around the receipt of one webhook, so that the drainer waits for it"
    with _inflight_lock:
        _inflight[database_name] += 1
        _last_receipt[database_name] = time.monotonic()
    try:
        yield
    finally:
        with _inflight_lock:
            _inflight[database_name] -= 1
            _last_receipt[database_name] = time.monotonic()


@contextlib.contextmanager
def storing(database_name):
    """Around the write of one receipt: on SQLite, the receipts of this
    process take turns here rather than in SQLite's busy handler, which
    polls and is not fair (under a burst of 20 at once some waited its
    whole 5 s timeout, then were retried: answers over Shopify's 5 s)"""
    if backend.name != 'sqlite':
        yield
        return
    with _store_locks[database_name]:
        yield


def yield_to_receipts(database_name):
    "What a drainer calls before each batch: the receipts come first"
    deadline = time.monotonic() + YIELD_SECONDS
    while time.monotonic() < deadline and (_inflight[database_name] > 0
            or time.monotonic() - _last_receipt[database_name]
            < QUIET_SECONDS):
        time.sleep(0.02)
