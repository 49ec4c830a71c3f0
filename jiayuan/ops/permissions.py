"""Who may see how the installation runs (the system administrator), and the system's jobs in operations."""

PERMISSIONS = {
    # The system page: the queue, the scheduler, the last run of every scheduled job.
    "ops.view": {"sysadmin": "all"},
}

SYSTEM_JOBS = {
    "install": "安装初始化",
    "retention": "保存期限匿名化",
    "backup": "定时备份",
    "housekeeping": "清理过期的后台任务记录",
}
