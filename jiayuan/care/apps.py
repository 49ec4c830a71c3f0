from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "jiayuan.care"
    label = "care"
