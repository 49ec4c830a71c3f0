from django.apps import AppConfig


class DraftsConfig(AppConfig):
    name = "jiayuan.drafts"
    label = "drafts"
    verbose_name = "草稿"
