"""Finding LibreOffice: its `soffice` program and a Python that can `import uno`.

    soffice = find_soffice(config)     # Path or None
    python = uno_python(soffice)       # Path or None: without it PDFs are made the slow way

On Linux only PATH is searched (the distributions put `soffice` there); on Windows and
macOS also the usual install folders, because the installers do not touch PATH.
`pdf: {soffice: …}` in automator.yaml or the environment variable AUTOMATOR_SOFFICE names
it explicitly.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

INSTALL = ("安装 LibreOffice 和中文字体：Debian/Ubuntu 运行 `sudo apt-get install libreoffice-writer-nogui "
           "python3-uno fonts-noto-cjk`；Windows 从 libreoffice.org 下载安装包（.msi）安装；"
           "macOS 安装 LibreOffice.app。装好后 PDF 会自动补上")
UNO_INSTALL = ("没有带 uno 模块的 Python：PDF 仍会生成，但每份都要冷启动 LibreOffice（慢约 10 倍）。"
               "Debian/Ubuntu 运行 `sudo apt-get install python3-uno`（Windows 和 macOS 的 LibreOffice 自带）")

_FOLDERS = {
    "win32": [Path(os.environ.get(v, "")) / "LibreOffice" / "program" for v in ("ProgramFiles", "ProgramFiles(x86)")
              if os.environ.get(v)],
    "darwin": [Path("/Applications/LibreOffice.app/Contents/MacOS")],
}


def find_soffice(configured: str | None = None) -> Path | None:
    """The soffice program, or None when LibreOffice is not installed (or switched off)."""
    named = os.environ.get("AUTOMATOR_SOFFICE") or configured
    if named:
        path = Path(named).expanduser()
        return path if path.is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    exe = "soffice.exe" if sys.platform == "win32" else "soffice"
    for folder in _FOLDERS.get(sys.platform, []):
        if (folder / exe).is_file():
            return folder / exe
    return None


def _candidates(soffice: Path) -> list[Path]:
    program = soffice.resolve().parent
    out = [Path(p) for p in (os.environ.get("AUTOMATOR_UNO_PYTHON"),) if p]
    # The Python LibreOffice ships (Windows: program/python.exe; macOS: Resources/python).
    out += [program / "python.exe", program / "python", program.parent / "Resources" / "python"]
    if sys.platform.startswith("linux"):
        out.append(Path("/usr/bin/python3"))  # Debian's python3-uno installs into the system Python
    out.append(Path(sys.executable))
    return out


@functools.lru_cache(maxsize=4)
def uno_python(soffice: Path) -> Path | None:
    """The first Python that imports `uno` (checked once per process)."""
    for python in _candidates(soffice):
        if not python.is_file():
            continue
        try:
            done = subprocess.run([str(python), "-c", "import uno"], capture_output=True, timeout=30,
                                  env=_clean_env())
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            return python
    return None


def _clean_env() -> dict[str, str]:
    """The environment for LibreOffice's Python: without our virtualenv's variables, which
    would point another interpreter at the wrong standard library."""
    env = dict(os.environ)
    for key in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP"):
        env.pop(key, None)
    return env


def cjk_fonts() -> bool | None:
    """Whether a Chinese font is installed (fontconfig); None where that cannot be asked."""
    fc = shutil.which("fc-list")
    if fc is None:
        return None
    try:
        done = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(done.stdout.strip())
