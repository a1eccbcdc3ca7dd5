"""What users install: the wheel built from this checkout holds every built-in and
template, installs in a fresh virtual environment, lists (and so loads) every built-in,
runs the GunPoint study, and a damaged install fails in one line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
import yaml

from lstm_tune.data.builtin import BUILTINS

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**env, "TF_CPP_MIN_LOG_LEVEL": "3"})


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel of this checkout, installed alone in a new virtual environment that
    borrows the dependencies already installed (no download)."""
    import lstm_tune

    if Path(lstm_tune.__file__).resolve().is_relative_to(ROOT) and not os.environ.get(
            "LSTM_TUNE_REQUIRE_INSTALLED"):
        pytest.skip("lstm_tune is installed editable here, which shadows any wheel; "
                    "pip install . (as .ci/run does) to run these")
    folder = tmp_path_factory.mktemp("wheel")
    # built from a copy of what the build reads: a build/ folder left in the checkout would
    # otherwise lend the wheel files its own settings do not ship
    source = folder / "source"
    shutil.copytree(ROOT / "src", source / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    build = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                "-w", str(folder / "dist"), str(source), cwd=folder)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next((folder / "dist").glob("lstm_tune-*.whl"))
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(folder / "venv")
    python = folder / "venv" / "bin" / "python"
    # --ignore-installed: the lstm-tune the suite runs on is visible to the new venv too
    install = run(sys.executable, "-m", "pip", "--python", str(python), "install",
                  "--no-deps", "--no-index", "--ignore-installed", str(wheel), cwd=folder)
    assert install.returncode == 0, install.stderr[-2000:]
    where = run(str(python), "-c", "import lstm_tune; print(lstm_tune.__file__)", cwd=folder)
    assert str(folder / "venv") in where.stdout, where.stdout + where.stderr
    return folder, wheel, folder / "venv" / "bin"


def test_the_wheel_holds_every_data_file_and_template(installed):
    _, wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {p.relative_to(ROOT / "src").as_posix()
               for p in (ROOT / "src" / "lstm_tune").rglob("*")
               if p.is_file() and p.suffix in (".csv", ".gz", ".html")}
    assert shipped and shipped <= set(names), sorted(shipped - set(names))


def test_every_builtin_loads_from_the_installed_package(installed):
    folder, _, bin_ = installed
    result = run(str(bin_ / "lstm-tune"), "datasets", cwd=folder)
    assert result.returncode == 0, result.stderr[-2000:]
    for name in BUILTINS:
        line = next(x for x in result.stdout.splitlines() if x.startswith(name + " "))
        assert line.rstrip().endswith("]"), line  # its size, read from the loaded data


def test_the_gunpoint_study_runs_from_the_installed_package(installed):
    folder, _, bin_ = installed
    work = folder / "gunpoint"
    work.mkdir()
    # the shipped file with a short training (150 epochs are the study's, not the test's)
    study = yaml.safe_load((ROOT / "studies" / "gunpoint.yaml").read_text())
    (work / "gunpoint.yaml").write_text(yaml.safe_dump(
        {**study, "training": {"max_epochs": 5, "patience": 2}}))
    result = run(str(bin_ / "lstm-tune"), "run", "gunpoint.yaml", "--trials", "1", cwd=work,
                 timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "test accuracy:" in result.stdout and (work / "reports/gunpoint/index.html").is_file()


def test_a_missing_builtin_file_is_one_line_and_exit_2(installed):
    folder, _, bin_ = installed
    package = next((folder / "venv").glob("lib/python*/site-packages/lstm_tune"))
    (package / "data" / "files" / "GunPoint_TEST.ts.gz").unlink()
    result = run(str(bin_ / "lstm-tune"), "datasets", cwd=folder)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "built-in 'gunpoint' cannot be read" in result.stderr and "reinstall" in result.stderr
