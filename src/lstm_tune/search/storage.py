"""The study's storage (the single source of truth) and its artifact store.

Opening it is where a bad storage URL is caught, before anything is written.
"""

from __future__ import annotations

import socket
import time
import warnings
from datetime import datetime
from pathlib import Path

import optuna
from optuna.exceptions import ExperimentalWarning
from optuna.trial import FrozenTrial, TrialState

from lstm_tune.errors import StudyError
from lstm_tune.records.attrs import OWNER_ATTR
from lstm_tune.spec import StudySpec, storage_file

# heartbeats, stale-trial checks and artifacts are marked experimental; we rely on them knowingly
warnings.filterwarnings("ignore", category=ExperimentalWarning)

HEARTBEAT_SECONDS = 5
GRACE_SECONDS = 20
# how long a SQLite write waits for another process's lock: pysqlite's 5 s default failed
# trials of a busy machine with 'database is locked' (the worker, its heartbeat thread and
# the progress display all use the file)
SQLITE_LOCK_SECONDS = 60


def open_storage(spec: StudySpec, create: bool = True) -> optuna.storages.BaseStorage:
    """The study's storage. RDB storages (SQLite, PostgreSQL) get heartbeats so a killed
    worker's trials are failed; a journal file is safe for parallel local workers."""
    url = spec.storage_url
    if "://" not in url:
        raise StudyError(spec.source, "storage", f"malformed storage URL {url!r}",
                         "use sqlite:///studies/name.db, journal:///studies/name.journal "
                         "or postgresql://user@host/db")
    path = storage_file(url)
    if path is not None:
        if not path.parent.is_dir():
            raise StudyError(spec.source, "storage", f"the folder {str(path.parent)!r} does not "
                             "exist", "create it or point storage elsewhere")
        if not create and not path.is_file():
            raise StudyError(spec.source, "storage", f"no study storage at {str(path)!r}",
                             f"run '{spec.how('run', 'run()')}' first")
    try:
        if url.startswith("journal:///"):
            from optuna.storages import JournalStorage
            from optuna.storages.journal import JournalFileBackend

            return JournalStorage(JournalFileBackend(str(path)))
        return _rdb(url)
    except Exception as exc:  # sqlalchemy raises many kinds: bad dialect, no server, no driver
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StudyError(spec.source, "storage", f"cannot open storage {url!r} ({first[:200]})",
                         "check the URL, the server and its driver") from None


def _rdb(url: str, attempts: int = 8) -> optuna.storages.RDBStorage:
    """An RDB storage; retried when processes starting together race to create its tables
    (PostgreSQL says so with an integrity or programming error, SQLite with 'table ...
    already exists': seen once, on a new SQLite file with the machine under heavy load)."""
    from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

    for attempt in range(attempts):
        try:
            return optuna.storages.RDBStorage(
                url, heartbeat_interval=HEARTBEAT_SECONDS, grace_period=GRACE_SECONDS,
                engine_kwargs={"connect_args": {"timeout": SQLITE_LOCK_SECONDS}}
                if url.startswith("sqlite") else {"pool_pre_ping": True},
            )
        except (IntegrityError, OperationalError, ProgrammingError) as exc:
            raced = not isinstance(exc, OperationalError) or "already exists" in str(exc)
            if not raced or attempt == attempts - 1:
                raise
            time.sleep(0.5 + attempt * 0.5)
    raise AssertionError("unreachable")


def _default_files(spec: StudySpec) -> tuple[Path, Path]:
    """Where a study whose file names no storage lives: its SQLite file or its journal."""
    base = Path(spec.base_dir)
    return base / f"{spec.name}.db", base / f"{spec.name}.journal"


def sqlite_file(spec: StudySpec) -> Path | None:
    """The SQLite file the study's storage is (with no storage set: already lives in), which
    takes one writer at a time; None for any other storage. A URL without a file path
    (sqlite:// in memory) comes back as given."""
    if spec.storage is not None:
        if not spec.storage.startswith("sqlite"):
            return None
        return storage_file(spec.storage) or Path(spec.storage)
    sqlite, journal = _default_files(spec)
    return sqlite if sqlite.is_file() and not journal.is_file() else None


def with_default_storage(spec: StudySpec, workers: int) -> StudySpec:
    """Pick the storage when the study file names none: SQLite for one worker, a journal file
    for parallel local workers (SQLite is not safe for parallel writers), and always the one
    that already holds this study."""
    if workers > 1 and (sqlite := sqlite_file(spec)) is not None:
        if spec.storage is None:
            raise StudyError(spec.source, "storage", f"this study lives in SQLite ({sqlite}), "
                             "which is not safe for parallel writers",
                             "run it with --workers 1, or give the study a new name")
        raise StudyError(spec.source, "storage", "SQLite is not safe for parallel writers",
                         "use journal:///path/name.journal or PostgreSQL with --workers")
    if spec.storage is None:
        sqlite, journal = _default_files(spec)
        use_journal = journal.is_file() or (workers > 1 and not sqlite.is_file())
        url = f"journal:///{journal}" if use_journal else f"sqlite:///{sqlite}"
        return spec.model_copy(update={"storage": url})
    return spec


def fail_dead_trials(study: optuna.Study) -> int:
    """Fail RUNNING trials whose worker process on this machine is gone (journal files have no
    heartbeat; RDB storages also use Optuna's), and trials nobody claimed within the grace
    period (their process died between creating and claiming them, before any heartbeat).
    Returns how many were failed."""
    host = socket.gethostname()
    failed = 0
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        owner = t.system_attrs.get(OWNER_ATTR)
        if not owner:
            alive = t.datetime_start is not None and \
                (datetime.now() - t.datetime_start).total_seconds() < GRACE_SECONDS
        elif owner.get("host") != host:
            continue
        else:
            alive = _alive(owner)
        if not alive:
            try:
                study._storage.set_trial_state_values(t._trial_id, TrialState.FAIL)
                failed += 1
            except Exception:  # another process failed it first
                pass
    optuna.storages.fail_stale_trials(study)  # RDB storages: trials whose heartbeat stopped
    return failed


def _ticks_since_boot(pid: int) -> int | None:
    """When a process started, in clock ticks since boot (Linux: /proc/PID/stat's 22nd
    field), which no adjustment of the wall clock moves; None elsewhere or if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(text[text.rindex(")") + 2:].split()[19])  # the name may hold spaces


def _alive(owner: dict) -> bool:
    """Whether the process that claimed a trial still runs: the same process (not another
    one given its pid since), and not a zombie (a killed worker whose parent died with it
    stays one until init reaps it, and looked alive to the next run). Its start is compared
    in ticks since boot where the owner has them: psutil's create_time adds the boot time,
    which Linux recomputes from the wall clock at each read, so two processes can see one
    start a second apart (psutil issue 2526); read so, a live worker's trial was failed
    under it and the worker stopped the run ("Cannot tell a FAIL trial")."""
    import psutil

    pid = int(owner["pid"])
    try:
        process = psutil.Process(pid)
        if owner.get("ticks") is not None:
            same = _ticks_since_boot(pid) == owner["ticks"]
        else:  # an owner recorded before ticks were (or where there are none)
            same = abs(process.create_time() - float(owner["started"])) < 2
        return same and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def is_claimed(trial: FrozenTrial) -> bool:
    """Whether a process has recorded that it runs this trial (see `claiming`)."""
    return OWNER_ATTR in trial.system_attrs


def claiming(study: optuna.Study) -> optuna.Study:
    """The study, recording this process as the owner of every trial it runs, so that a dead
    owner can be detected. A new trial is created with its owner, in the same write: claimed
    in a later one, a process killed in between left a trial RUNNING with no owner and no
    heartbeat, which the next run must leave alone for the grace period (it could be a live
    process's; seen in CI, a resume right after SIGKILL ended with it still RUNNING). A
    waiting trial it takes is claimed before the sampler's work on it."""
    import psutil

    me = psutil.Process()
    owner = {"host": socket.gethostname(), "pid": me.pid, "started": me.create_time(),
             "ticks": _ticks_since_boot(me.pid)}
    storage = study._storage
    create, sample = storage.create_new_trial, study.sampler.before_trial

    def create_new_trial(study_id: int, template_trial: FrozenTrial | None = None) -> int:
        if template_trial is None:
            template_trial = FrozenTrial(
                number=-1, state=TrialState.RUNNING, value=None, datetime_start=datetime.now(),
                datetime_complete=None, params={}, distributions={}, user_attrs={},
                system_attrs={OWNER_ATTR: owner}, intermediate_values={}, trial_id=-1)
        return create(study_id, template_trial)

    def before_trial(study: optuna.Study, trial: FrozenTrial) -> None:
        if trial.system_attrs.get(OWNER_ATTR) != owner:
            storage.set_trial_system_attr(trial._trial_id, OWNER_ATTR, owner)
        sample(study, trial)

    storage.create_new_trial = create_new_trial  # type: ignore[method-assign]
    study.sampler.before_trial = before_trial  # type: ignore[method-assign]
    return study


def load_study(spec: StudySpec) -> optuna.Study:
    """An existing study; a clear error if it was never run."""
    storage = open_storage(spec, create=False)
    try:
        return optuna.load_study(study_name=spec.name, storage=storage)
    except KeyError:
        raise StudyError(spec.source, "name", f"no study {spec.name!r} in {spec.storage_url}",
                         f"run '{spec.how('run', 'run()')}' first") from None
