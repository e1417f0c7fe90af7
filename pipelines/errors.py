"""Errors the CLI turns into a one-line reason and a non-zero exit code, never a traceback.

Messages name the file, line and field at fault but never echo a value: a value in a social-care
log may be a personal identity code.
"""


class LokivahtiError(Exception):
    """A problem with the user's input or store that the user can fix."""

    exit_code = 2


class InputError(LokivahtiError):
    """An input file cannot be read at all (missing, wrong format, missing required column)."""

    def __init__(self, path, reason: str, line: int | None = None, field: str | None = None):
        self.path, self.reason, self.line, self.field = str(path), reason, line, field
        where = self.path + (f":{line}" if line is not None else "") + (f" [{field}]" if field else "")
        super().__init__(f"{where}: {reason}")


class StoreError(LokivahtiError):
    """The store cannot be opened or is of an unknown (newer) schema."""

    exit_code = 3
