"""The layout rules of docs/ARCHITECTURE.md, checked on the source (as tests/analysis/test_isolation.py
does for analysis/):

1. one feature, one name: a feature's blueprints are named for its package;
2. routes and CLI commands are thin: no `select(`, no `db.session`, no `audit.record`;
3. services take plain values: no forms, no `request`, no `current_user`, no `session`;
5. registration is explicit: importing a feature registers nothing until `init_app` runs;
6. features depend downward: never on another feature's routes or CLI, and core on no feature;
and no Python file outside migrations/ and tests/ is over 400 lines.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"
FEATURES = ("home", "auth", "admin", "skm", "monitoring", "reports", "indicators", "followup", "api", "webhooks",
            "odata")
ENTRY_POINTS = ("routes.py", "admin_routes.py", "public_routes.py", "cli.py")
MAX_LINES = 400


def _feature_files(entry_points: bool) -> list[Path]:
    files = []
    for feature in FEATURES:
        for path in sorted((APP / feature).glob("*.py")):
            if path.name == "__init__.py":
                continue
            if (path.name in ENTRY_POINTS) == entry_points:
                files.append(path)
    return files


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported_modules(tree: ast.Module) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _imported_names(tree: ast.Module, module: str) -> set[str]:
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module == module
            for alias in node.names}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_every_feature_is_a_package_with_init_app():
    import app

    assert tuple(feature.__name__.split(".")[1] for feature in app.FEATURES) == FEATURES
    for feature in app.FEATURES:
        assert callable(feature.init_app), feature.__name__


def test_the_layer_folders_are_gone():
    """The old app/blueprints/ and app/services/ layers: every module now lives in a feature or core."""
    leftovers = [_rel(p) for folder in ("blueprints", "services") for p in (APP / folder).glob("*.py")]
    assert leftovers == []


def test_routes_and_commands_are_thin():
    """Rule 2: no query, no session and no audit in an entry point; a service does it."""
    problems = []
    files = _feature_files(entry_points=True)
    assert len(files) >= 8
    for path in files:
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Call) and _dotted(node.func) in ("select", "sa.select", "audit.record"):
                problems.append(f"{_rel(path)}:{node.lineno} calls {_dotted(node.func)}")
            if isinstance(node, ast.Attribute) and _dotted(node) == "db.session":
                problems.append(f"{_rel(path)}:{node.lineno} uses db.session")
    assert problems == []


def test_services_take_plain_values():
    """Rule 3: a service never sees a form, the request, the session or the signed-in user."""
    problems = []
    files = _feature_files(entry_points=False)
    assert len(files) >= 20
    for path in files:
        tree = _tree(path)
        for module in _imported_modules(tree):
            if module.split(".")[0] == "forms":
                problems.append(f"{_rel(path)} imports {module}")
        web = _imported_names(tree, "flask") & {"request", "session", "g"}
        web |= _imported_names(tree, "flask_login") & {"current_user"}
        problems.extend(f"{_rel(path)} imports {name}" for name in sorted(web))
    assert problems == []


def test_features_depend_downward():
    """Rule 6: another feature's services are fine, its routes and commands are not; core uses no feature."""
    problems = []
    for feature in FEATURES:
        for path in sorted((APP / feature).glob("*.py")):
            for module in _imported_modules(_tree(path)):
                parts = module.split(".")
                if (len(parts) >= 3 and parts[0] == "app" and parts[1] in FEATURES and parts[1] != feature
                        and parts[2].removesuffix(".py") + ".py" in ENTRY_POINTS):
                    problems.append(f"{_rel(path)} imports {module}")
    for path in sorted((APP / "core").glob("*.py")) + sorted((APP / "models").glob("*.py")):
        for module in _imported_modules(_tree(path)):
            parts = module.split(".")
            if len(parts) >= 2 and parts[0] == "app" and parts[1] in FEATURES:
                problems.append(f"{_rel(path)} imports {module}")
    assert problems == []


def test_importing_every_module_registers_nothing():
    """Rule 5: scopes, default rows and demo seeders are registered by init_app, never by an import."""
    code = """
import importlib, pkgutil, app
from app.core import demo, reference, scoping
before = (len(scoping.SCOPES), len(reference.DEFAULT_LOADERS), len(demo.EXTRA_SEEDERS))
for info in pkgutil.walk_packages(app.__path__, "app."):
    importlib.import_module(info.name)
after = (len(scoping.SCOPES), len(reference.DEFAULT_LOADERS), len(demo.EXTRA_SEEDERS))
assert before == after, (before, after)
application = app.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
registered = (len(scoping.SCOPES), len(reference.DEFAULT_LOADERS), len(demo.EXTRA_SEEDERS))
assert all(r > b for r, b in zip(registered, before)), (before, registered)
app.create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
again = (len(scoping.SCOPES), len(reference.DEFAULT_LOADERS), len(demo.EXTRA_SEEDERS))
assert again == registered, (registered, again)
"""
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_blueprints_are_named_for_their_feature(app):
    """Rule 1: the package, the blueprint and its endpoints share the feature's name."""
    wrong = []
    for name, blueprint in app.blueprints.items():
        parts = blueprint.import_name.split(".")
        feature = parts[1] if len(parts) > 2 and parts[0] == "app" else None
        if feature not in FEATURES or name.split("_")[0] != feature:
            wrong.append(f"{name} from {blueprint.import_name}")
    assert wrong == []


def test_template_folders_are_named_for_features():
    shared = {"errors"}
    folders = {p.name for p in (APP / "templates").iterdir() if p.is_dir()}
    assert folders - shared <= set(FEATURES), sorted(folders - shared - set(FEATURES))


def test_no_python_file_is_over_400_lines():
    long = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in ("migrations", "tests", ".venv", "instance") or rel.parts[0].startswith("."):
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            long.append(f"{rel}: {lines}")
    assert long == []
