"""Keep personal data out of logs and error reports."""

from __future__ import annotations

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

_PATTERNS = [
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"), "[身份证号]"),
    (re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)"), "[手机号]"),
    (re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"), "[电话]"),
]


def scrub(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


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
