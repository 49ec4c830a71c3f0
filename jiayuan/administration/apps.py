from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    """The three administrators' desks (三员), above the access floor: sign-in and user administration
    (`accounts/`: users, postings, API tokens, account changes under separation of duties, approved on the
    approval engine) and the auditor's pages (`auditlog/`: the access log, its chain check, change history)."""

    name = "jiayuan.administration"
    label = "administration"
    verbose_name = "账号管理"

    def ready(self) -> None:
        from .accounts import duties

        duties.register()
