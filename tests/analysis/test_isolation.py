"""analysis/ must stay usable without the web stack: no Flask, no SQLAlchemy."""
import ast
import subprocess
import sys
from pathlib import Path

ANALYSIS = Path(__file__).resolve().parents[2] / "analysis"
MODULES = ["ikm", "ikm_sums", "proportion", "stratified", "sample_size", "income", "indicators", "rounding"]
FORBIDDEN = ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug", "app")


def test_importing_analysis_does_not_load_the_web_stack():
    code = (
        "import sys\n"
        + "".join(f"import analysis.{m}\n" for m in MODULES)
        + "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy')]\n"
        + "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ANALYSIS.parent, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr


def test_source_has_no_web_imports():
    files = sorted(ANALYSIS.glob("*.py"))
    assert files
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] if node.level == 0 else []
            else:
                continue
            for name in names:
                assert name.split(".")[0].lower() not in FORBIDDEN, f"{path.name} imports {name}"
