from django.apps import AppConfig


class DictionariesConfig(AppConfig):
    name = "jiayuan.dictionaries"
    label = "dictionaries"
    verbose_name = "字典"
