"""Keep personal data out of logs and error reports."""

from __future__ import annotations

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

# Digits as people type them: groups split by spaces, dashes, dots or slashes ("138-1234-5678",
# "440304 19900307 123X", "+86 138 1234 5678", full-width digits and dashes included). A candidate run is found
# first, then judged with its separators removed, so the scrubber sees what the look-ups accept.
_SEP = r"[ \t\-‐‑–—－.·/\u3000]"
_CANDIDATE = re.compile(
    rf"(?<![0-9０-９])(?:\+?[8８][6６]{_SEP}*)?[0-9０-９](?:{_SEP}{{0,3}}[0-9０-９]){{6,60}}(?:{_SEP}{{0,3}}[XxＸｘ])?(?![0-9０-９])"
)
_ID = re.compile(r"\d{17}[\dXx]")
_MOBILE = re.compile(r"(?:86)?1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ＸｘＸ", "0123456789XxX")


def _kind(raw: str) -> str | None:
    digits = re.sub(r"[^0-9Xx]", "", raw.translate(_FULL_WIDTH))
    if _ID.fullmatch(digits):
        return "[身份证号]"
    if _MOBILE.fullmatch(digits):
        return "[手机号]"
    if _LANDLINE.fullmatch(digits) and re.search(_SEP, raw):
        return "[电话]"  # an area code and a number, written with a separator (0755-83456789)
    return None


def _judge(match: re.Match) -> str:
    raw = match.group(0)
    kind = _kind(raw)
    if kind is not None:
        return kind
    # A number next to another ("3 138 1234 5678"): try every run of whole groups, longest first.
    groups = [(g.start(), g.end()) for g in re.finditer(r"\+?[0-9０-９XxＸｘ]+", raw)]
    out, position, i = [], 0, 0
    while i < len(groups):
        for j in range(len(groups), i, -1):
            start, end = groups[i][0], groups[j - 1][1]
            kind = _kind(raw[start:end])
            if kind is not None:
                out.append(raw[position:start] + kind)
                position, i = end, j
                break
        else:
            i += 1
    out.append(raw[position:])
    return "".join(out)


def scrub(text: str) -> str:
    return _CANDIDATE.sub(_judge, text)


class ScrubPersonalDataFilter(logging.Filter):
    """Replace ID numbers and phone numbers in every log line before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not hide the log line
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Format the traceback now, so the exception's message (which may quote the request) is
            # scrubbed too; formatters reuse exc_text instead of formatting the exception again.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class PersonalDataExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports never show request bodies, query strings or local variables."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]

    def is_active(self, request):
        return True
