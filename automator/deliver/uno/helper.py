"""The warm converter's far end: run by a Python that has LibreOffice's `uno` module.

    python helper.py SOFFICE PROFILE_DIR IDLE_SECONDS

It starts one soffice with its own fresh profile, listening on a private named pipe (no
TCP port: nobody else on the machine can drive it), and answers one JSON line per request
on stdin — {"src": "/…/x.docx", "dest": "/…/x.pdf"} → {"ok": true, "pages": 2} or
{"ok": false, "error": "…"} — on stdout. It ends, and takes soffice with it, when stdin
closes (the process that started it exited, even by kill -9) or after IDLE_SECONDS
without a request. Only the standard library and `uno` may be imported here: this file
runs outside our virtualenv.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]
from fontmap import seed_profile  # beside this file (the script's folder is on sys.path)

START_TIMEOUT = 60.0
PDF_OPTIONS = {"SelectPdfVersion": 2,        # PDF/A-2b: every font embedded, fit for the archive
               "EmbedStandardFonts": True, "UseTaggedPDF": True, "ExportFormFields": False}


def props(**values: object) -> tuple[object, ...]:
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


def _die_with_parent() -> None:
    """Linux: soffice is killed when this helper dies, whatever kills it."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def office_binary(soffice: str) -> str:
    """On Linux, soffice.bin itself rather than the `soffice` script and its oosplash launcher:
    then soffice.bin is our direct child, and dies with us (PR_SET_PDEATHSIG) even when this
    helper is killed with SIGKILL — through the launcher it outlived us, reparented to init."""
    real = Path(soffice).resolve().with_name("soffice.bin")
    return str(real) if sys.platform.startswith("linux") and real.is_file() else soffice


RESTART = 81  # soffice.bin asks to be started again (after setting up a fresh profile); oosplash would


def start(soffice: str, profile: Path) -> tuple[subprocess.Popen[bytes], object]:
    seed_profile(profile)
    for _ in range(3):
        try:
            return _start(office_binary(soffice), profile)
        except _Restart:
            continue
    raise RuntimeError("LibreOffice kept asking to be restarted")


class _Restart(Exception):
    pass


def _start(soffice: str, profile: Path) -> tuple[subprocess.Popen[bytes], object]:
    pipe = f"automator-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    cmd = [soffice, "--headless", "--invisible", "--nologo", "--nodefault", "--norestore", "--nolockcheck",
           "--nofirststartwizard", f"-env:UserInstallation={uno.systemPathToFileUrl(str(profile))}",
           f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
    # Its own process group: soffice is a launcher (oosplash) and soffice.bin under it, and
    # `stop` must be able to end both.
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
                            start_new_session=os.name == "posix")
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if proc.poll() == RESTART:
                raise _Restart from None
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"LibreOffice did not start (exit status {proc.poll()})") from None
            time.sleep(0.05)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    return proc, desktop


def convert(desktop: object, src: str, dest: str) -> int:
    """Open `src` hidden (macros never run), count its pages as LibreOffice lays it out, store a PDF."""
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,  # type: ignore[attr-defined]
                                       props(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0))
    if doc is None:
        raise RuntimeError("LibreOffice could not open the document")
    try:
        # The view's count is the laid-out one; the document statistics keep what Word last saved.
        pages = int(doc.getCurrentController().getPropertyValue("PageCount"))
        data = uno.Any("[]com.sun.star.beans.PropertyValue", props(**PDF_OPTIONS))
        doc.storeToURL(uno.systemPathToFileUrl(dest), props(FilterName="writer_pdf_Export", FilterData=data))
    finally:
        doc.close(True)
    return pages


def _reader(lines: queue.Queue[str | None]) -> None:
    for line in sys.stdin:
        lines.put(line)
    lines.put(None)  # stdin closed: the process that started us is gone


def main() -> int:
    soffice, profile, idle = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but replies may reach the protocol stream
    try:
        proc, desktop = start(soffice, profile)
    except Exception as exc:  # noqa: BLE001 - reported to the client, which falls back or retries
        out.write(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}"}) + "\n")
        out.flush()
        return 1
    # The group lets our side end soffice too, should it ever have to kill this helper.
    out.write(json.dumps({"ok": True, "ready": True, "group": proc.pid if os.name == "posix" else None}) + "\n")
    out.flush()
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_reader, args=(lines,), daemon=True).start()
    try:
        while True:
            try:
                line = lines.get(timeout=idle)
            except queue.Empty:
                break
            if line is None:
                break
            request = json.loads(line)
            try:
                reply = {"ok": True, "pages": convert(desktop, request["src"], request["dest"])}
            except Exception as exc:  # noqa: BLE001 - one document's failure is reported, the helper goes on
                reply = {"ok": False, "error": f"{type(exc).__name__}: {getattr(exc, 'Message', '') or exc}"}
            out.write(json.dumps(reply, ensure_ascii=False) + "\n")
            out.flush()
    finally:
        stop(proc, desktop)
        shutil.rmtree(profile, ignore_errors=True)  # a fresh profile per helper: nothing to keep
    return 0


def stop(proc: subprocess.Popen[bytes], desktop: object) -> None:
    """Ask LibreOffice to quit; whatever is left of its process group after 10 s is killed."""
    try:
        desktop.terminate()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001,S110 - soffice may be gone already; it is killed below if not
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    if os.name == "posix":
        import signal

        try:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice.bin, should it outlive its launcher
        except (ProcessLookupError, PermissionError):
            pass


if __name__ == "__main__":
    sys.exit(main())
