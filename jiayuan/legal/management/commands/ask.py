"""Ask the legal assistant from the command line: one question, or one per line from stdin."""

import json
import sys

from django.core.management.base import BaseCommand

from jiayuan.legal.answers import compose_answer


class Command(BaseCommand):
    help = "向法律助手提问。不带问题时从标准输入逐行读取问题，每行输出一个 JSON 对象。"

    def add_arguments(self, parser):
        parser.add_argument("question", nargs="*", help="问题（不填则从标准输入逐行读取）")
        parser.add_argument("--json", action="store_true", help="输出与 API 相同的 JSON 对象")

    def handle(self, *args, **options):
        if options["question"]:
            self._answer(" ".join(options["question"]), options["json"])
            return
        for line in sys.stdin:
            if line.strip():
                self._answer(line.strip(), options["json"])

    def _answer(self, question: str, as_json: bool) -> None:
        answer = compose_answer(question)
        if as_json:
            self.stdout.write(json.dumps(answer.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(answer.answer)
            self.stdout.write("")
