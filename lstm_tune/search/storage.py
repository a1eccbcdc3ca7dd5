"""The study's storage (the single source of truth) and its artifact store.

Opening it is where a bad storage URL is caught, before anything is written.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import optuna
from optuna.artifacts import FileSystemArtifactStore
from optuna.exceptions import ExperimentalWarning

from lstm_tune.errors import StudyError
from lstm_tune.spec import StudySpec

# heartbeats, stale-trial checks and artifacts are marked experimental; we rely on them knowingly
warnings.filterwarnings("ignore", category=ExperimentalWarning)

HEARTBEAT_SECONDS = 5
GRACE_SECONDS = 20


def open_storage(spec: StudySpec, create: bool = True) -> optuna.storages.BaseStorage:
    """The study's RDB storage, with heartbeats so a killed worker's trials can be failed."""
    url = spec.storage_url
    if "://" not in url:
        raise StudyError(spec.source, "storage", f"malformed storage URL {url!r}",
                         "use e.g. sqlite:///studies/name.db or postgresql://user@host/db")
    if url.startswith("sqlite:///"):
        db = Path(url[len("sqlite:///"):])
        if not db.parent.is_dir():
            raise StudyError(spec.source, "storage", f"the folder {str(db.parent)!r} does not exist",
                             "create it or point storage elsewhere")
        if not create and not db.is_file():
            raise StudyError(spec.source, "storage", f"no study database at {str(db)!r}",
                             f"run 'lstm-tune run {spec.source}' first")
    try:
        return optuna.storages.RDBStorage(
            url, heartbeat_interval=HEARTBEAT_SECONDS, grace_period=GRACE_SECONDS,
            engine_kwargs={"pool_pre_ping": True} if not url.startswith("sqlite") else None,
        )
    except Exception as exc:  # sqlalchemy raises many kinds: bad dialect, no server, no driver
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StudyError(spec.source, "storage", f"cannot open storage {url!r} ({first[:200]})",
                         "check the URL, the server and its driver") from None


def artifact_store(spec: StudySpec) -> FileSystemArtifactStore:
    spec.artifact_dir.mkdir(parents=True, exist_ok=True)
    return FileSystemArtifactStore(str(spec.artifact_dir))


def load_study(spec: StudySpec) -> optuna.Study:
    """An existing study; a clear error if it was never run."""
    storage = open_storage(spec, create=False)
    try:
        return optuna.load_study(study_name=spec.name, storage=storage)
    except KeyError:
        raise StudyError(spec.source, "name", f"no study {spec.name!r} in {spec.storage_url}",
                         f"run 'lstm-tune run {spec.source}' first") from None
