"""Operations declare no permissions of their own (they run from the command line), only the system's jobs."""

SYSTEM_JOBS = {
    "retention": "保存期限匿名化",
}
