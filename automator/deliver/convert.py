"""Word → PDF through LibreOffice, kept warm between documents.

    conv = converter(settings)          # None when LibreOffice is not installed
    pages = conv.convert(docx, pdf)     # LibreOffice's page count of the docx (None if unknown)

`Warm` drives one long-lived soffice through `uno/helper.py` (run by LibreOffice's Python):
a cold soffice costs 1.5–2 s per file, a warm one about 0.1 s (bench/pdf_convert.py measures both).
Where no Python has `uno`, `Cold` runs `soffice --convert-to` per file — slow, but the PDF
still comes. One converter per process, closed at exit; the helper also ends by itself when
this process dies (its stdin closes) or after `IDLE` seconds without work.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import IO, TYPE_CHECKING

from automator.deliver.uno.fontmap import seed_profile
from automator.deliver.office import _clean_env, find_soffice, uno_python

if TYPE_CHECKING:
    from automator.settings import Settings

HELPER = Path(__file__).with_name("uno") / "helper.py"
IDLE = 300.0      # a helper with nothing to do for this long exits (and frees soffice's memory)
START = 90.0      # seconds for soffice to come up
TIMEOUT = 180.0   # seconds for one document
# PDF/A-2b: every font embedded (the same options uno/helper.PDF_OPTIONS gives the warm path).
COLD_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"},' \
              '"EmbedStandardFonts":{"type":"boolean","value":"true"}}'


STALE_PROFILE = 24 * 3600.0  # a LibreOffice profile this old was left by a killed helper


def sweep_profiles(now: float | None = None) -> None:
    """Remove the temporary LibreOffice profiles killed helpers left behind (a helper that ends
    normally removes its own); one in use is never a day old, since a helper idles out in minutes."""
    import time

    now = time.time() if now is None else now
    for folder in Path(tempfile.gettempdir()).glob("automator-lo-*"):
        try:
            if now - folder.stat().st_mtime > STALE_PROFILE:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


class ConvertError(Exception):
    """LibreOffice could not make the PDF (the message says why, for the delivery's last error)."""


class Warm:
    name = "warm"

    def __init__(self, soffice: Path, python: Path, *, idle: float = IDLE) -> None:
        self.soffice, self.python, self.idle = soffice, python, idle
        self.proc: subprocess.Popen[str] | None = None
        self.replies: queue.Queue[str | None] = queue.Queue()
        self.profile: Path | None = None
        self.group: int | None = None  # soffice's process group (POSIX), ended with a helper we kill
        self.errors: IO[bytes] = tempfile.TemporaryFile()

    def _start(self) -> None:
        sweep_profiles()
        self.profile = Path(tempfile.mkdtemp(prefix="automator-lo-"))
        self.replies = queue.Queue()
        self.errors.close()
        self.errors = tempfile.TemporaryFile()  # the helper's stderr: its last words, if it dies
        self.proc = subprocess.Popen(
            [str(self.python), str(HELPER), str(self.soffice), str(self.profile), str(self.idle)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors, env=_clean_env(),
            text=True, encoding="utf-8", bufsize=1)
        assert self.proc.stdout is not None
        threading.Thread(target=_pump, args=(self.proc.stdout, self.replies), daemon=True,
                         name="unohelper-replies").start()
        reply = self._reply(START)
        group = reply.get("group")
        self.group = group if isinstance(group, int) else None
        if not reply.get("ready"):
            self.close()
            raise ConvertError(f"LibreOffice 无法启动：{reply.get('error', '未知原因')}")

    def _reply(self, timeout: float) -> dict[str, object]:
        try:
            line = self.replies.get(timeout=timeout)
        except queue.Empty:
            self.close()
            raise ConvertError(f"LibreOffice {timeout:.0f} 秒内没有完成，已重启它") from None
        if line is None:
            last = self._last_words()
            self.close()
            raise ConvertError("LibreOffice 进程意外退出" + (f"：{last}" if last else ""))
        data: dict[str, object] = json.loads(line)
        return data

    def _last_words(self) -> str:
        try:
            self.errors.seek(0)
            text = self.errors.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        lines = [line for line in text.splitlines() if line.strip() and "javaldx" not in line]
        return " / ".join(lines[-2:])[-300:]

    def kill_group(self) -> None:
        """End soffice itself (a helper killed cannot take it along: its launcher is in between)."""
        if self.group is not None and os.name == "posix":
            import signal

            try:
                os.killpg(self.group, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.group = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def convert(self, src: Path, dest: Path) -> int | None:
        for attempt in (1, 2):  # a helper that idled out or died since the last document is started again
            if not self.alive():
                self._start()
            assert self.proc is not None and self.proc.stdin is not None
            try:
                self.proc.stdin.write(json.dumps({"src": str(src.resolve()), "dest": str(dest.resolve())},
                                                 ensure_ascii=False) + "\n")
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError):
                self.close()
                if attempt == 2:
                    raise ConvertError("LibreOffice 进程意外退出") from None
                continue
            reply = self._reply(TIMEOUT)
            if not reply.get("ok"):
                raise ConvertError(f"LibreOffice 转换失败：{reply.get('error')}")
            pages = reply.get("pages")
            return int(pages) if isinstance(pages, int) else None
        return None

    def close(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                if proc.stdin:
                    proc.stdin.close()  # the helper's signal to stop soffice and leave
                proc.wait(timeout=20)
            except (OSError, subprocess.TimeoutExpired):
                self.kill_group()
                proc.kill()
                proc.wait()
        if self.profile is not None:
            shutil.rmtree(self.profile, ignore_errors=True)
            self.profile = None
        self.errors.close()


class Cold:
    """One `soffice --convert-to` per file (where no Python can drive LibreOffice)."""

    name = "cold"

    def __init__(self, soffice: Path) -> None:
        self.soffice = soffice
        self.profile = Path(tempfile.mkdtemp(prefix="automator-lo-cold-"))
        seed_profile(self.profile)

    def convert(self, src: Path, dest: Path) -> int | None:
        out = Path(tempfile.mkdtemp(prefix="automator-pdf-"))
        try:
            cmd = [str(self.soffice), "--headless", "--norestore", "--nolockcheck",
                   f"-env:UserInstallation={self.profile.resolve().as_uri()}", "--convert-to", COLD_FILTER,
                   "--outdir", str(out), str(src.resolve())]
            try:
                done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, env=_clean_env())
            except subprocess.TimeoutExpired:
                raise ConvertError(f"LibreOffice {TIMEOUT:.0f} 秒内没有完成") from None
            made = out / f"{src.stem}.pdf"
            if not made.is_file():
                raise ConvertError(f"LibreOffice 转换失败：{(done.stderr or done.stdout).strip()[-300:]}")
            shutil.move(str(made), dest)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        return None  # a cold conversion does not say how many pages LibreOffice laid out

    def close(self) -> None:
        shutil.rmtree(self.profile, ignore_errors=True)


def _pump(stream: IO[str], replies: queue.Queue[str | None]) -> None:
    for line in stream:
        replies.put(line)
    replies.put(None)


_CONVERTERS: dict[tuple[int, Path], Warm | Cold] = {}


def converter(settings: Settings) -> Warm | Cold | None:
    """This process's converter for the root's LibreOffice (None when there is none)."""
    soffice = find_soffice(settings.config.pdf.soffice)
    if soffice is None:
        return None
    key = (os.getpid(), soffice)
    if key not in _CONVERTERS:
        python = uno_python(soffice)
        _CONVERTERS[key] = Warm(soffice, python) if python is not None else Cold(soffice)
    return _CONVERTERS[key]


def close_all() -> None:
    for key, conv in list(_CONVERTERS.items()):
        if key[0] == os.getpid():
            conv.close()
        _CONVERTERS.pop(key, None)


atexit.register(close_all)
try:  # pool workers leave through multiprocessing's exit path, which runs Finalize, not atexit
    from multiprocessing.util import Finalize

    Finalize(None, close_all, exitpriority=10)
except ImportError:  # pragma: no cover
    pass
