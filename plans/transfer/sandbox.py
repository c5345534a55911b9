"""Read an uploaded file in a child process with memory, CPU and wall-clock limits.

A crafted file (a small .docx whose XML inflates to hundreds of MB, thousands of nested
tables) can make any XML reader slow and hungry. The worker therefore never parses a file
in its own process: it starts ``python -m plans.transfer.sandbox``, hands it the bytes on
stdin and reads the extracted tables as JSON on stdout. The child limits its own address
space (RLIMIT_AS) and CPU time (RLIMIT_CPU) before it reads anything, and the worker kills
it after IMPORT_READ_SECONDS of wall-clock time. Whatever happens to the child, the worker
lives on and the user gets a message.

The child sets Django up (the readers use the plan models' choices) but never touches the
database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .files import FileRefusedError

ROOT = Path(__file__).resolve().parents[2]

TOO_BIG = (
    "The file needs more memory to read than an import may use, so it was not read. It may hold "
    "far more text than a plan, or be built to expand when opened. Save the plan's tables in a "
    "new file and upload that."
)
TOO_SLOW = (
    "The file took longer than {seconds} seconds to read, so reading it was stopped. It may hold far "
    "more text than a plan, or be built to expand when opened. Save the plan's tables in a new "
    "file and upload that."
)
UNREADABLE = "The file could not be read. Open and save it again, then upload it."


def read_in_child(name: str, data: bytes, *, memory_mb: int, seconds: int) -> dict:
    """The extracted tables of the file, as read_upload(...).as_json() gives them.

    Raises FileRefusedError with a message for the user when the file is refused or the
    child runs out of memory or time.
    """
    header = json.dumps({"name": name, "memory_mb": memory_mb, "cpu_seconds": seconds}).encode() + b"\n"
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "plans.transfer.sandbox"],
            input=header + data,
            capture_output=True,
            timeout=seconds,
            cwd=ROOT,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise FileRefusedError(TOO_SLOW.format(seconds=seconds)) from None
    try:
        answer = json.loads(completed.stdout) if completed.stdout else {}
    except ValueError:
        answer = {}
    if "extracted" in answer:
        return answer["extracted"]
    if "refused" in answer:
        raise FileRefusedError(answer["refused"])
    # Killed by a signal (SIGXCPU at the CPU limit, SIGKILL, SIGSEGV when a C library cannot
    # allocate) or a MemoryError before it could answer.
    if completed.returncode < 0 or b"MemoryError" in completed.stderr:
        raise FileRefusedError(TOO_BIG)
    raise FileRefusedError(UNREADABLE)


def _limit_self(memory_mb: int, cpu_seconds: int) -> None:
    import resource

    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))


def _main() -> int:
    params = json.loads(sys.stdin.buffer.readline())
    _limit_self(int(params["memory_mb"]), int(params["cpu_seconds"]))
    # Reading RAG words needs the plan models' choices, so Django is set up (no database is used).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.settings")
    import django

    django.setup()
    try:
        from .files import read_upload

        data = sys.stdin.buffer.read()
        answer: dict = {"extracted": read_upload(params["name"], data).as_json()}
        del data
        text = json.dumps(answer)
    except FileRefusedError as refusal:
        text = json.dumps({"refused": str(refusal)})
    except MemoryError:
        text = json.dumps({"refused": TOO_BIG})
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(_main())
