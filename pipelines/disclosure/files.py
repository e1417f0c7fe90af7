"""Writing the answer's files safely: the folder is the handler's, every file is new and owner-only.

An answer holds special-category data about a child or an adult. The folder given with `--out` may be a
shared one (/tmp): changing its mode would break it for everyone else, so an existing folder is used as it
is and only a folder created here gets 0700. The file names are predictable (request id, kind, language),
so someone could plant a symlink at one in a shared folder and have the letter written wherever it points:
files are opened with O_CREAT | O_EXCL | O_NOFOLLOW, which refuses an existing file and a symlink alike,
and created 0600. A file that already exists is a clear error, never overwritten.
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

from ..errors import LokivahtiError

FILE_MODE = 0o600
DIR_MODE = 0o700


class OutputError(LokivahtiError):
    """The answer cannot be written where asked (the folder or a file); nothing was registered."""


def prepare_folder(path: Path) -> Path:
    """The output folder: an existing real folder as it is (never chmod), else a new one created 0700.

    A symlink or a file in its place is refused: the answer goes only where the handler named."""
    path = Path(path)
    try:
        info = path.lstat()
    except FileNotFoundError:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
            path.mkdir(mode=DIR_MODE)
        except OSError as exc:
            raise OutputError(f"{path}: cannot create the output folder ({exc.strerror})") from None
        return path
    if stat.S_ISLNK(info.st_mode):
        raise OutputError(f"{path}: the output folder is a symbolic link; name the real folder")
    if not stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{path}: exists and is not a folder")
    if not os.access(path, os.W_OK | os.X_OK):
        raise OutputError(f"{path}: the output folder is not writable")
    return path


def write_new(path: Path, data: bytes) -> Path:
    """Creates `path` with `data`, 0600; an existing file or a symlink at the name is refused."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, FILE_MODE)
    except FileExistsError:
        raise OutputError(f"{path}: already exists (or is a link); an answer never overwrites a file") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot create ({exc.strerror})") from None
    try:
        os.fchmod(fd, FILE_MODE)  # whatever the umask: owner-only
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)
    return path


def text_bytes(write) -> bytes:
    """Run write(text_stream) and return what it wrote, UTF-8 with a byte-order mark (for Excel)."""
    buffer = io.StringIO(newline="")
    write(buffer)
    return buffer.getvalue().encode("utf-8-sig")


def check_free(paths) -> None:
    """Refuse before any work when a file the answer would write is already there (or is a link)."""
    for path in paths:
        if os.path.lexists(path):
            raise OutputError(f"{path}: already exists (or is a link); an answer never overwrites a file")
