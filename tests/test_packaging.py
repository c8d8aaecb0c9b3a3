"""The wheel ``pip install .`` builds holds every module, subpackage and data file, and works on its own.

The editable install the tests run under finds everything on disk, so a subpackage or data file that
pyproject.toml forgets to ship goes unnoticed until a user installs the wheel. This builds the wheel
from a copy of the source (the build leaves build/ and *.egg-info behind) and checks what is inside.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# source folder → where it lands in the wheel (pyproject.toml maps the folders onto five_star.*)
PACKAGE_FOLDERS = {"store": "five_star/store", "tui": "five_star/tui", "seeds": "five_star/seeds"}
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", ".mypy_path", ".*cache*", ".hypothesis", "__pycache__", "*.pyc", "build", "dist",
    "*.egg-info", "tests", "benchmarks",
)


def can_build_without_isolation() -> bool:
    """setuptools ≥ 70.1 builds wheels by itself; older ones need the ``wheel`` package beside them."""
    import setuptools

    major, minor = (int(part) for part in setuptools.__version__.split(".")[:2])
    return (major, minor) >= (70, 1) or importlib.util.find_spec("wheel") is not None


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCE, symlinks=True)
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(root / "out"), str(source)]
    if can_build_without_isolation():
        command.insert(4, "--no-build-isolation")
    # otherwise pip fetches the build backend pyproject.toml asks for, as `pip install .` does
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    (built,) = (root / "out").glob("five_star_tui-*.whl")
    return built


def expected_files() -> set[str]:
    """Every module of the source folders, every data file, seed page and stylesheet, as wheel paths."""
    expected = set()
    for folder, target in PACKAGE_FOLDERS.items():
        base = REPO / folder
        for path in base.rglob("*"):
            relative = path.relative_to(base)
            if "__pycache__" in relative.parts or not path.is_file():
                continue
            shipped = (
                path.suffix in (".py", ".tcss")
                or relative.parts[0] == "data"
                or (folder == "seeds" and path.suffix == ".txt")
            )
            if shipped:
                expected.add(f"{target}/{relative.as_posix()}")
    return expected


@pytest.mark.slow
def test_the_wheel_holds_every_package_module_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = expected_files()
    # the layout this test relies on: each source folder is a package, with its subpackages
    packages = {name.rsplit("/", 1)[0] for name in expected if name.endswith("/__init__.py")}
    assert {"five_star/store", "five_star/store/extraction/figures", "five_star/tui", "five_star/seeds"} <= packages
    assert {"five_star/store/data/programs.json", "five_star/tui/app.tcss"} <= expected
    assert len([n for n in expected if n.startswith("five_star/seeds/") and n.endswith(".txt")]) == 5
    assert sorted(expected - names) == []
    # nothing but the packages (no tests, benchmarks or build leftovers) and the metadata
    stray = [n for n in names - expected if not n.startswith("five_star_tui-") and ".dist-info/" not in n]
    assert stray == []


@pytest.mark.slow
def test_the_unpacked_wheel_alone_imports_every_module_and_extracts_the_seeds(wheel, tmp_path):
    unpacked = tmp_path / "unpacked"
    zipfile.ZipFile(wheel).extractall(unpacked)
    # -S: no site-packages .pth files, so the editable install's import hook cannot supply five_star;
    # the dependencies still come from this interpreter's site-packages.
    script = (
        "import sys, importlib, pkgutil, json\n"
        f"sys.path[:0] = [{str(unpacked)!r}, {sysconfig.get_paths()['purelib']!r}]\n"
        "import five_star.store, five_star.tui, five_star.seeds\n"
        "names = [m.name for p in (five_star.store, five_star.tui, five_star.seeds)\n"
        "         for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.')]\n"
        "files = {importlib.import_module(n).__file__ for n in names}\n"
        "from five_star.tui.cli import main\n"
        "print(json.dumps({'modules': len(names), 'files': sorted(files)}))\n"
        "sys.exit(main(['extract']))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-S", "-c", script], capture_output=True, text=True, timeout=180, env=env, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    import json

    first, *rows = result.stdout.splitlines()
    loaded = json.loads(first)
    assert loaded["modules"] >= 40
    assert all(path.startswith(str(unpacked)) for path in loaded["files"]), loaded["files"]
    articles = [json.loads(row) for row in rows]
    assert len(articles) == 26  # the seed pages, split with the shipped rules and data
    assert sum(len(a["figures"]) for a in articles) >= 121
