from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jiayuan.accounts"
    label = "accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from . import duties

        duties.register()
