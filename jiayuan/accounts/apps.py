from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jiayuan.accounts"
    label = "accounts"
    verbose_name = "账号"
