from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "jiayuan.screening"
    label = "screening"
