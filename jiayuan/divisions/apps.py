from django.apps import AppConfig


class DivisionsConfig(AppConfig):
    name = "jiayuan.divisions"
    label = "divisions"
    verbose_name = "行政区划"
