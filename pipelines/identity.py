"""The Finnish personal identity code (henkilötunnus): one rule for reading it, used everywhere it is matched.

A request names its client by identity code; a log names them too, in whatever case the source system
wrote it. If the register held `010190-900A`, the log `010190-900a` and the answer looked for one of them,
the client would silently miss part of their answer. So every place that takes a code from a person or a
file goes through `normalise` (surrounding space removed, letters upper case), and every place that takes a
code from a person validates it (`validate`: the date, the century sign and the check character, via
python-stdnum) before it is stored. The ingest normaliser applies the same upper-casing in SQL to values of
the code's shape (sql/ingest/normalise.sql; `HETU_SHAPE` below is the same pattern, and a test runs both).

Error messages never repeat the code (it identifies a person).
"""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError
from stdnum.fi import hetu

from .errors import LokivahtiError

MAX_INPUT_CHARS = 32  # anything longer is not a code, whatever it holds: refused before it is parsed
# DDMMYY, century sign (+ - A B C D E F U V W X Y), individual number, check character
HETU_SHAPE = r"[0-9]{6}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]"
_SHAPE = re.compile(HETU_SHAPE)


class InvalidIdentityCode(LokivahtiError, ValueError):
    """A text that is not a valid personal identity code (the message does not repeat it)."""


def normalise(text: str | None) -> str | None:
    """The code as stored and matched: surrounding space removed, upper case. None and '' stay None."""
    if text is None:
        return None
    cleaned = str(text).strip()
    if not cleaned:
        return None
    return cleaned.upper() if _SHAPE.fullmatch(cleaned) else cleaned


def looks_like_code(text: str | None) -> bool:
    return bool(text) and _SHAPE.fullmatch(str(text).strip()) is not None


def validate(text: str | None, *, what: str = "the client id") -> str:
    """The normalised code, or InvalidIdentityCode: too long, wrong shape, impossible date, wrong check character.

    Temporary codes (individual number 900–999) are valid: synthetic data and some registers use them."""
    if text is None or not str(text).strip():
        raise InvalidIdentityCode(f"{what} is empty")
    if len(str(text)) > MAX_INPUT_CHARS:
        raise InvalidIdentityCode(f"{what} is not a personal identity code ({len(str(text))} characters)")
    code = normalise(text)
    if not _SHAPE.fullmatch(code):
        raise InvalidIdentityCode(f"{what} is not a valid personal identity code (not of the form DDMMYYCZZZQ)")
    try:
        return hetu.validate(code, allow_temporary=True)
    except ValidationError:
        raise InvalidIdentityCode(
            f"{what} is not a valid personal identity code (its date or check character is wrong)") from None
