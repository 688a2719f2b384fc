"""Intake: what the entry is (by lstat, never following a link), its content hash, a
duplicate already in the ledger, and what the bytes are (by their content, never the name)."""

from __future__ import annotations

import os
import stat

from automator import fsops
from automator.errors import InputError
from automator.limits import MAX_INPUT_BYTES
from automator.pipeline.context import Context
from automator.pipeline.job import Job
from automator.pipeline.stage import Stage
from automator.readers.sniff import content_hash, sniff

LINK = "是链接/快捷方式，不处理"


def entry_problem(job: Job) -> InputError | None:
    """A link, a special file, a file too big to copy — refused before a byte of it is read."""
    st = fsops.lstat(job.path)
    if stat.S_ISLNK(st.st_mode):
        try:
            target = os.readlink(job.path)
        except OSError:
            target = "?"
        return InputError(f"{LINK}（指向 {target}）", hint="请把文件本身（而不是链接或快捷方式）放入 inbox", code="link")
    if not stat.S_ISREG(st.st_mode):
        kind = ("命名管道" if stat.S_ISFIFO(st.st_mode) else "套接字" if stat.S_ISSOCK(st.st_mode)
                else "设备文件" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "特殊文件")
        return InputError(f"不是普通文件（{kind}），不处理", hint="请放入 Excel 工作簿或 PDF 文件", code="special")
    if st.st_size > MAX_INPUT_BYTES:
        return InputError(f"文件过大（{st.st_size / 2**20:.0f} MB，上限 {MAX_INPUT_BYTES // 2**20} MB），不处理",
                          hint="一份文档不应这么大；请检查文件来源", code="too-large")
    return None


def hash_of(job: Job) -> str:
    try:
        return content_hash(job.path)
    except PermissionError as exc:
        raise InputError("无法读取（权限不足）", hint="请检查文件的读取权限（或让上传者重新放入）后再放入 inbox",
                         code="unreadable") from exc
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror or exc}", hint="请重新放入文件", code="unreadable") from exc


class Intake(Stage):
    name = "intake"

    def run(self, job: Job, ctx: Context) -> None:
        if job.status is not None:  # rejected before reading (a poison file): only its hash is wanted
            if entry_problem(job) is None:
                job.sha = hash_of(job)
            return
        problem = entry_problem(job)
        if problem is not None:
            raise problem
        job.sha = hash_of(job)
        archive = ctx.archive()
        prior = archive.seen(job.sha) if archive is not None else None
        if prior is not None:
            job.duplicate_of(prior)
            return
        job.kind = sniff(job.path)
