"""The Nu HTML Checker (vnu, the W3C validator) run locally on rendered pages.

The checker is the npm package `vnu-jar` at a pinned version, installed next to the virtualenv
(`make test` does it: `python -m tests.web.html_checker`; the jar is not in the repository).
It needs Java. Under CI a missing Java or checker fails the tests; elsewhere they skip.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

VNU_VERSION = "26.9.27"
PREFIX = Path(sys.prefix) / "vnu" / VNU_VERSION
JAR = PREFIX / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def install() -> Path:
    """Install the pinned checker with npm (no install scripts: it would fetch a Java)."""
    if not JAR.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is needed to install the HTML checker (apt-get install npm)")
        PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(PREFIX),
                "--no-save",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                f"vnu-jar@{VNU_VERSION}",
            ],
            check=True,
            capture_output=True,
        )
    return JAR


def missing() -> str | None:
    """Why the checker cannot run here, or None when it can."""
    if shutil.which("java") is None:
        return "no java (apt-get install default-jre-headless)"
    if not JAR.exists():
        try:
            install()
        except (RuntimeError, subprocess.CalledProcessError) as exc:
            return f"vnu-jar {VNU_VERSION} is not installed and npm could not install it: {exc}"
    return None


def check(paths: list[Path]) -> dict[Path, list[str]]:
    """Every error vnu finds, per file, as "line N: message (extract)". One Java start for all."""
    java = shutil.which("java") or "java"
    result = subprocess.run(
        [java, "-jar", str(JAR), "--format", "json", "--errors-only", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu writes its report to stderr and exits 1 when it found errors; Java may add a
    # line of its own before it ("Picked up JAVA_TOOL_OPTIONS...").
    lines = [line for line in result.stderr.splitlines() if line.startswith('{"')]
    if not lines:
        raise AssertionError(f"vnu gave no report: {result.stderr or result.stdout}")
    report = json.loads(lines[-1])
    errors: dict[Path, list[str]] = {path: [] for path in paths}
    by_name = {path.name: path for path in paths}  # the caller gives every file its own name
    for message in report["messages"]:
        path = by_name.get(message.get("url", "").rsplit("/", 1)[-1])
        if path is None:  # a problem with the run itself, not with one file
            raise AssertionError(f"vnu: {message}")
        extract = message.get("extract", "").strip().replace("\n", " ")
        line = f"line {message.get('lastLine')}: {message['message']} ({extract})"
        errors[path].append(line)
    return errors


def required() -> bool:
    return bool(os.environ.get("CI"))


if __name__ == "__main__":
    print(install())
