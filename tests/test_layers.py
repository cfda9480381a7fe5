"""The layers of DESIGN.md hold, and SQL is written by hand in one module only (issue 23).

1. `lint-imports` keeps every contract of pyproject.toml's [tool.importlinter]: imports point down
   (config > web | api | bench > workflows > notifications | deadlines > nominations > roles > audit), audit imports
   nothing of ours, web and api are independent, nothing imports bench, no cycle between the modules of a package.
2. audit/ imports no other top-level package of the repository, whichever exist (so a transitional package left
   out of the contracts, as `rows` was, is caught too).
3. No module runs hand-written SQL outside the allowed places. Every .py file git knows of (tracked, or new and not
   ignored) is read, except tests/ and migrations/; these others may too, and nothing else:
   - workflows/review_sql.py: the review path's named statements (DESIGN.md, "hand-written SQL exists only
     where a profile proves it pays, as named statements beside the one function that runs them");
   - audit/services.py: the append's own statement, the chain's head read under the append lock
     (`audit_head_locked()` on PostgreSQL, a function the ORM cannot call; the same head read on SQLite);
   - audit/chain.py: the verifier's and the export's reads of audit_event (keyset pages with one cursor kept open,
     the head, a hash's seq), which stream the chain without building a model per row;
   - bench/ and scripts/: tools, not the product (nothing imports bench, scripts/ is no package). Their SQL is
     what they measure or prepare: the benchmark's bare-SQL floor beside the actions, its bulk loading (COPY,
     executemany), emptying the bench database and reading the server's version; the load run's database rebuild
     and its checks.
   What counts as hand-written SQL: a call of `.execute(`, `.executemany(`, `cursor(` (`connection.cursor()`, or a
   kept `_cursor()`; a pagination cursor's `decode_cursor()` is not one), `RawSQL(`, `.raw(`, `.extra(`, and a string
   literal (an f-string's text too) that starts with SELECT, INSERT, UPDATE or DELETE, in any case, followed by
   what makes it a statement (SELECT … FROM, INSERT INTO, UPDATE … SET, DELETE FROM), so a button's "Delete"
   is not one. Docstrings and comments are not read. The failure lists every offender as path:line: what.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SQL_ALLOWED = {
    "workflows/review_sql.py",
    "audit/services.py",
    "audit/chain.py",
}
SQL_ALLOWED_FOLDERS = {"tests", "bench", "scripts"}
SQL_CALLS = {"execute", "executemany", "raw", "extra", "RawSQL"}
SQL_TEXT = re.compile(
    r"\s*(?:SELECT\b.*?\bFROM\b|INSERT\s+INTO\b|UPDATE\s+\S+\s+SET\b|DELETE\s+FROM\b)",
    re.IGNORECASE | re.DOTALL,
)


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603 (our own virtualenv's script, fixed arguments)
        [str(lint_imports), "--no-logo", "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"lint-imports failed:\n{result.stdout}\n{result.stderr}"


def test_audit_imports_no_package_of_ours():
    ours = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"audit", "tests"}
    offenders = []
    for path in sorted((ROOT / "audit").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            offenders += [
                f"{path.relative_to(ROOT)}:{node.lineno}: imports {name}" for name in names if name.split(".")[0] in ours
            ]
    assert not offenders, "audit/ imports nothing of ours:\n" + "\n".join(offenders)


def test_no_hand_written_sql_outside_its_module():
    offenders = [
        f"{path}:{line}: {what}"
        for path in python_files()
        if not is_allowed(path)
        for line, what in hand_written_sql((ROOT / path).read_text(encoding="utf-8"))
    ]
    assert not offenders, "hand-written SQL outside its allowed modules (see this test's docstring):\n" + "\n".join(
        offenders
    )


def python_files() -> list[str]:
    """Tracked .py files and new ones not ignored, as they are on disk now (a deleted file is not read)."""
    listed = subprocess.run(  # noqa: S603
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "*.py"],  # noqa: S607
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()
    return sorted(path for path in set(listed) if (ROOT / path).is_file())


def is_allowed(path: str) -> bool:
    parts = path.split("/")
    return parts[0] in SQL_ALLOWED_FOLDERS or "migrations" in parts[:-1] or path in SQL_ALLOWED


def hand_written_sql(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    skipped = {  # docstrings, and the text parts of f-strings (read whole below)
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    skipped |= {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in SQL_CALLS or name.lstrip("_") == "cursor":
                found.add((node.lineno, f"{name}(…)"))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(part.value if isinstance(part, ast.Constant) else "{}" for part in node.values)
            if SQL_TEXT.match(text):
                found.add((node.lineno, f"SQL text {text.strip()[:60]!r}"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
            if SQL_TEXT.match(node.value):
                found.add((node.lineno, f"SQL text {node.value.strip()[:60]!r}"))
    return sorted(found)
