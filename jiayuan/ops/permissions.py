"""Who may see how the installation runs: the system administrator."""

PERMISSIONS = {
    # The system page: the queue, the scheduler, the last run of every scheduled job.
    "ops.view": {"sysadmin": "all"},
}
