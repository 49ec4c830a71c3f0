from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, postings (the roles they hold, `roles.py`) and API tokens: the identity floor under access. Their
    administration (pages, API, account changes) is `jiayuan.administration`."""

    name = "jiayuan.accounts"
    label = "accounts"
    verbose_name = "账号"
