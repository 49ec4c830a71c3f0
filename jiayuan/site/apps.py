from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site's own pages (home, errors) and the demo loader: the top floor, free to import every app."""

    name = "jiayuan.site"
    label = "site"
    verbose_name = "门户"
