"""The structure that docs/architecture.md describes, checked on the source: no module too long
to read, and views that only translate input and output (the import layers themselves are
checked by import-linter, `lint-imports` in .ci/run)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("core", "events", "registration", "abstracts", "notifications", "reports", "web")
MAX_LINES = 500
# The DRF views: every module of these apps named as a view module (the pages are every
# module of web/views). Found by name, so a new API module is checked without being listed.
API_APPS = ("core", "events", "registration", "abstracts", "notifications", "reports")
API_VIEW_NAMES = ("views.py", "*_views.py", "api*.py", "*_api.py")
WRITES = {
    "create",
    "bulk_create",
    "get_or_create",
    "update_or_create",
    "update",
    "bulk_update",
    "delete",
}


def app_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def api_view_modules() -> list[Path]:
    return sorted(
        {
            path
            for app in API_APPS
            for pattern in API_VIEW_NAMES
            for path in (ROOT / app).rglob(pattern)
            if "migrations" not in path.relative_to(ROOT).parts
        }
    )


def view_modules() -> list[Path]:
    return sorted((ROOT / "web" / "views").glob("*.py")) + api_view_modules()


def rate_limiter_imports(source: str) -> set[str]:
    """The modules and names imported from a rate limiter."""
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            imported |= {module} | {f"{module}.{alias.name}" for alias in node.names}
    return {name for name in imported if "ratelimit" in name}


def _through_manager(node: ast.AST) -> bool:
    """Whether a call chain starts at a model manager: `Model.objects....`."""
    while True:
        if isinstance(node, ast.Attribute):
            if node.attr == "objects":
                return True
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return False


def manager_writes(source: str) -> list[int]:
    """The lines that write through a model manager (`X.objects.filter(...).update(...)`)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WRITES
        and _through_manager(node.func.value)
    ]


def test_app_modules_stay_under_500_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in app_modules()
        if (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}


@pytest.mark.parametrize("path", view_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_view_module_imports_no_rate_limiter(path):
    assert rate_limiter_imports(path.read_text()) == set()


@pytest.mark.parametrize("path", view_modules(), ids=lambda path: str(path.relative_to(ROOT)))
def test_view_module_writes_through_no_model_manager(path):
    assert manager_writes(path.read_text()) == []


def manager_uses(source: str) -> list[int]:
    """The lines that reach a model manager at all (`X.objects`)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr == "objects"
    ]


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "web" / "views").glob("*.py")),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_page_module_reads_through_query_functions(path):
    assert manager_uses(path.read_text()) == []


def test_api_views_are_found_by_their_module_name():
    found = {str(path.relative_to(ROOT)) for path in api_view_modules()}
    assert {
        "registration/views.py",
        "registration/door_views.py",
        "registration/certificate_views.py",
        "events/invitation_api.py",
    } <= found


def test_rate_limiter_import_is_found():
    source = "from core import ratelimit\nfrom core.ratelimit import limit\n"
    assert rate_limiter_imports(source) == {"core.ratelimit", "core.ratelimit.limit"}


def test_manager_write_is_found_at_the_end_of_a_chain():
    source = (
        "Registration.objects.filter(pk=1).update(name='x')\n"
        "Registration.objects.filter(pk=1).count()\n"
        "Delivery.objects.create(kind='x')\n"
        "registration.delete()\n"
    )
    assert manager_writes(source) == [1, 3]


def test_manager_read_is_found():
    assert manager_uses("events = Event.objects.filter(status='published')\n") == [1]


def test_api_view_modules_are_found_by_name():
    found = {str(path.relative_to(ROOT)) for path in api_view_modules()}
    assert {"registration/views.py", "events/invitation_api.py", "abstracts/api_open.py"} <= found
