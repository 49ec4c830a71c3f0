from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "jiayuan.access"
    label = "access"
    verbose_name = "权限"
