from django.apps import AppConfig


class LegalConfig(AppConfig):
    name = "jiayuan.legal"
    label = "legal"
