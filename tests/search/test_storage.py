"""The embedded SQLite storage waits for a lock held by another process instead of failing
the trial that wanted to write (pysqlite gives up after 5 s by default)."""

from __future__ import annotations

import sqlite3
import threading
import time

from lstm_tune.search.storage import open_storage
from lstm_tune.spec import load_spec
from tests.conftest import tiny_study


def test_a_write_waits_out_a_lock_longer_than_sqlites_default(write_study, tmp_path):
    spec = load_spec(write_study(tiny_study(storage=f"sqlite:///{tmp_path / 's.db'}")))
    storage = open_storage(spec)
    study_id = storage.create_new_study([], "s")
    trial_id = storage.create_new_trial(study_id)
    locked = threading.Event()

    def hold_the_lock() -> None:  # as a slow writer in another process would
        other = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(7)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    locked.wait()
    start = time.perf_counter()
    storage.set_trial_user_attr(trial_id, "epochs", 3)  # failed after 5 s before
    waited = time.perf_counter() - start
    holder.join()
    assert waited > 5 and storage.get_trial(trial_id).user_attrs["epochs"] == 3
