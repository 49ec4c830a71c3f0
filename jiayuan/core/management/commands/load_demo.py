"""Fill the database with the demo: Shenzhen divisions, Futian's federations, people and one account per role,
then each module's demo data and the statutes for the legal assistant."""

from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand

from jiayuan.core.demo import load_demo

# Each module's demo loader, run after the foundation's (module, function).
MODULE_DEMOS = [
    ("jiayuan.cases.demo", "load_cases_demo"),
    ("jiayuan.care.demo", "load_care_demo"),
    ("jiayuan.venues.demo", "demo_load"),
    ("jiayuan.orgs.demo", "demo_load"),
    ("jiayuan.honours.demo", "demo_load"),
    ("jiayuan.indicators.demo", "demo_load"),
]


class Command(BaseCommand):
    help = "载入演示数据（可重复执行，不会重复创建）"

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=300)

    def handle(self, *args, **options):
        counts = load_demo(people=options["people"], stdout=self.stdout)
        self.stdout.write(
            f"演示数据：新增组织 {counts['orgs']}，协作单位 {counts['agencies']}，用户 {counts['users']}，"
            f"人员 {counts['people']}，家庭户 {counts['households']}"
        )
        for module_name, function in MODULE_DEMOS:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    continue
                raise
            result = getattr(module, function)()
            if result:
                self.stdout.write(f"{module_name.split('.')[1]} 演示数据：{result}")
        call_command("load_laws", stdout=self.stdout)
