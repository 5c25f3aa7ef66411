"""The wheel (`pip wheel .`) holds every local app of INSTALLED_APPS and every file of theirs:
templates, static files, fonts, compiled translations. The image installs that wheel
(Dockerfile), and .ci/wheel-check runs it outside the source tree."""

import importlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
GIT = shutil.which("git") or "git"


def checkout_files() -> list[str]:
    """The files a clean checkout of this tree has: tracked or new, never ignored."""
    listed = subprocess.run(
        [GIT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    return sorted(name for name in listed if name and (ROOT / name).is_file())


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> set[str]:
    """The names in a wheel built from a copy of the checkout (no build leftovers in the tree)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    for name in checkout_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
         str(work / "dist"), str(source)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    [built] = (work / "dist").glob("scievents-*.whl")
    with zipfile.ZipFile(built) as archive:
        return set(archive.namelist())


def local_packages() -> dict[str, Path]:
    """Every app of INSTALLED_APPS that lives in this repository, the settings' package and
    the shared kernel (core/, a package but no app: it has no models, templates or locale)."""
    found = {}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(ROOT) and ".venv" not in path.parts:
            found[config.name] = path
    settings_module = importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    found["config"] = Path(settings_module.__file__).resolve().parent
    found["core"] = Path(importlib.import_module("core").__file__).resolve().parent
    return found


def test_local_apps_are_found():
    assert {
        "config",
        "core",
        "events",
        "registration",
        "abstracts",
        "notifications",
        "reports",
        "web",
    } <= set(local_packages())


@pytest.mark.parametrize("package", sorted(local_packages()))
def test_every_file_of_a_local_app_ships_in_the_wheel(wheel, package):
    folder = local_packages()[package].relative_to(ROOT).as_posix()
    files = [name for name in checkout_files() if name.startswith(f"{folder}/")]

    missing = [name for name in files if name not in wheel]

    assert f"{folder}/__init__.py" in files
    assert missing == []


@pytest.mark.parametrize(
    "name",
    [
        "config/locale/vi/LC_MESSAGES/django.mo",
        "config/settings.py",
        "web/templates/base.html",
        "web/templates/404.html",
        "web/static/web/site.css",
        "notifications/templates/notifications/email/registration.html",
        "registration/fonts/DejaVuSans.ttf",
        "reports/apps.py",
        "events/migrations/0001_initial.py",
    ],
)
def test_wheel_holds_what_production_reads(wheel, name):
    assert name in wheel


def test_wheel_holds_no_tests_or_benchmarks(wheel):
    assert [name for name in wheel if name.split("/")[0] in {"tests", "bench", "docs"}] == []


def test_settings_read_templates_and_translations_from_the_packages():
    """Paths beside the packages (the source tree) are not in an installed wheel."""
    roots = [Path(p) for p in settings.LOCALE_PATHS] + [
        Path(p) for engine in settings.TEMPLATES for p in engine["DIRS"]
    ]

    assert roots and all(
        path.resolve().is_relative_to(local_packages()["config"]) for path in roots
    )


def test_image_runs_what_the_wheel_holds():
    """The image's final stage installs the built wheel and takes only manage.py from the
    source tree, so the image and the wheel cannot drift apart."""
    final_stage = (ROOT / "Dockerfile").read_text().split("\nFROM ")[-1]
    copies = [line.split()[1:] for line in final_stage.splitlines() if line.startswith("COPY")]

    assert copies == [["--from=build", "/wheels", "/wheels"], ["manage.py", "./"]]
    assert "pip install /wheels/*.whl" in final_stage
