"""Helpers for the robustness suite: the CLI as a real process, and the invariants
every outcome must keep (issue 6): a clean status, a reason a person can read,
the original kept byte for byte, no traceback, nothing left half-done."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLES = REPO / "examples"
CLEAN = {"archived", "review", "rejected"}
INTERNAL = "内部错误"  # the catch-all's reason: a bug reached it


def automator(*args: str, cwd: Path, timeout: float = 120, env: dict[str, str] | None = None,
              prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    """`python -m automator ARGS` as a real process (optionally wrapped, e.g. by setpriv)."""
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    full_env.pop("AUTOMATOR_ROOT", None)
    return subprocess.run([*prefix, sys.executable, "-m", "automator", *args], cwd=cwd, env=full_env,
                          text=True, capture_output=True, timeout=timeout)


def run(root: Path, *paths: Path | str, timeout: float = 120, jobs: int | None = None,
        env: dict[str, str] | None = None, prefix: tuple[str, ...] = ()) -> tuple[int, list[dict[str, Any]], str]:
    """`automator run [PATHS] --root ROOT --json`: (exit code, results, stderr).

    Asserts the contract's stdout: exactly one JSON object, nothing else, and no traceback anywhere.
    """
    args = ["run", *map(str, paths), "--root", str(root), "--json", *(["-j", str(jobs)] if jobs else [])]
    proc = automator(*args, cwd=root, timeout=timeout, env=env, prefix=prefix)
    assert "Traceback" not in proc.stderr, proc.stderr[-4000:]
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr[-4000:])
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        raise AssertionError(f"stdout is not one JSON object: {proc.stdout[:2000]!r}") from None
    return proc.returncode, out["results"], proc.stderr


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_clean(result: dict[str, Any]) -> None:
    """archived, review, or rejected with a reason in plain words (not the catch-all)."""
    assert result["status"] in CLEAN, result
    if result["status"] == "rejected":
        assert result.get("reason"), result
        assert INTERNAL not in result["reason"], result
        assert "Error" not in result["reason"] and "Traceback" not in result["reason"], result


def assert_kept(root: Path, result: dict[str, Any], original_sha: str) -> None:
    """One of the result's outputs is the input, byte for byte."""
    kept = [o for o in result["outputs"] if (root / o).is_file() and sha256(root / o) == original_sha]
    assert kept, (result["input"], result["outputs"])


def leftovers(root: Path) -> list[str]:
    """Anything still in inbox/ or processing/, and temporary files anywhere under outbox/."""
    found = [p for folder in ("inbox", "processing") if (root / folder).is_dir()
             for p in (root / folder).rglob("*") if p.is_file()]
    found += [p for p in (root / "outbox").rglob("*") if p.is_file() and p.name.endswith(".tmp")]
    return sorted(str(p.relative_to(root)) for p in found)


def log_text(root: Path) -> str:
    path = root / "automator.log"
    return path.read_text("utf-8", "replace") if path.exists() else ""


_MEASURE = ("import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "code = subprocess.run(sys.argv[1:]).returncode\n"
            "kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
            "sys.stderr.write(f'\\nMEASURED {kb / 1024:.0f} {time.perf_counter() - t:.2f}\\n')\n"
            "sys.exit(code)\n")


def measured_run(root: Path, *paths: Path | str, timeout: float = 120) -> tuple[list[dict[str, Any]], float, float]:
    """`run`, also returning the peak memory (MB, the largest process) and the wall time (s)."""
    _, results, stderr = run(root, *paths, timeout=timeout, prefix=(sys.executable, "-c", _MEASURE))
    mb, seconds = stderr.rsplit("MEASURED ", 1)[1].split()
    return results, float(mb), float(seconds)


def by_name(results: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {Path(r["input"]).name: r for r in results}


def unprivileged() -> tuple[str, ...] | None:
    """A prefix that runs a command without the power to ignore permissions, or None."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = (setpriv, "--reuid=65534", "--regid=65534", "--clear-groups")
    probe = subprocess.run([*prefix, sys.executable, "-c", "import automator.pipeline"], capture_output=True)
    return prefix if probe.returncode == 0 else None


def world_writable_root() -> Path:
    """A root any user may write to (pytest's own tmp folders are private to root); caller removes it."""
    from automator.init import init_root

    base = Path(tempfile.mkdtemp(prefix="automator-perm-"))
    root = base / "root"
    init_root(root)
    for path in [base, *base.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)
    return root
