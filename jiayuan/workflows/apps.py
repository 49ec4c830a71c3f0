from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "jiayuan.workflows"
    label = "workflows"
