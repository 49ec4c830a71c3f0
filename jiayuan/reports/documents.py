"""The yearly report's documents: sentences from data, the Word file from a docxtpl template, the Excel workbook.

Templates and sentences are written by staff: they are rendered in Jinja's sandbox, and checked on upload
(broken syntax, a placeholder the report does not know) so that a bad one is refused, never half-used.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from jiayuan.core.errors import ApplicationError

from . import figures as catalogue
from .figures.base import NOT_RECORDED
from .selectors import FigureValue, plain_value

DATA = Path(__file__).resolve().parent / "data"
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
# The names a template may use besides the figures.
CONTEXT_NAMES = {
    "scope_name",
    "year",
    "period_label",
    "generated_at",
    "generated_by",
    "sections",
    "figures",
    "not_recorded",
    "modules",
}


def var_name(code: str) -> str:
    """The placeholder of a figure: its code with the dot written as an underscore."""
    return code.replace(".", "_")


def known_names() -> set[str]:
    return CONTEXT_NAMES | {var_name(code) for code in catalogue.figures()}


def jinja_env() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


# ------------------------------------------------------------------------------------------- sentences


@dataclass
class Sentence:
    code: str
    section: str
    order: int
    text: str


@cache
def default_sentences() -> tuple[Sentence, ...]:
    rows = yaml.safe_load((DATA / "sentences.yaml").read_text(encoding="utf-8"))
    return tuple(Sentence(r["code"], r["section"], i * 10, r["text"]) for i, r in enumerate(rows))


def _unknown_message(names: set[str]) -> str:
    shown = "、".join(f"{{{{ {n} }}}}" for n in sorted(names)[:5])
    return f"模板中有系统不认识的占位符：{shown}。请使用指标目录中列出的占位符（指标代码中的“.”写作“_”）。"


def sentence_check(text: str) -> set[str]:
    """The figure placeholders a sentence uses; a clear refusal for broken syntax or an unknown placeholder."""
    if not text.strip():
        raise ApplicationError("句子不能为空。")
    try:
        parsed = jinja_env().parse(text)
    except TemplateSyntaxError as exc:
        raise ApplicationError(f"句子格式有误（第 {exc.lineno} 行）：请检查 {{{{ }}}} 是否成对。") from None
    names = meta.find_undeclared_variables(parsed)
    unknown = names - known_names()
    if unknown:
        raise ApplicationError(_unknown_message(unknown))
    return names


@dataclass
class Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)


def render_sentences(sentences, values: dict[str, FigureValue]) -> tuple[list[Section], list[str]]:
    """The report's sections from the sentences; a sentence whose figure is not recorded is left out.

    Returns the sections and the labels of the figures the left-out sentences needed."""
    env = jinja_env()
    context: dict[str, object] = {var_name(code): plain_value(v.value, v.unit) for code, v in values.items()}
    sections: dict[str, Section] = {}
    missing: list[str] = []
    for s in sorted(sentences, key=lambda s: (s.order, s.code)):
        names = meta.find_undeclared_variables(env.parse(s.text))
        codes = [c for c in values if var_name(c) in names]
        absent = [values[c].label for c in codes if values[c].value is None]
        if any(n not in context and n not in CONTEXT_NAMES for n in names):
            # A figure the user may not see: the sentence is not theirs to write.
            continue
        if absent:
            missing.extend(a for a in absent if a not in missing)
            continue
        sections.setdefault(s.section, Section(s.section)).paragraphs.append(env.from_string(s.text).render(context))
    return list(sections.values()), missing


# ------------------------------------------------------------------------------------------- Word


def default_template_bytes() -> bytes:
    """The built-in Word template: a title, the sections of sentences, and a table of every figure."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    doc.add_heading("{{ scope_name }}妇联 {{ year }} 年工作总结（数据部分）", level=1)
    doc.add_paragraph(
        "统计期：{{ period_label }}。本报告由系统根据各业务模块记录生成，数字可在系统中逐项追溯到具体记录。"
    )
    doc.add_paragraph("{%p for section in sections %}")
    doc.add_heading("{{ section.title }}", level=2)
    doc.add_paragraph("{%p for p in section.paragraphs %}")
    doc.add_paragraph("{{ p }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if not_recorded %}")
    doc.add_heading("尚未记录的指标", level=2)
    doc.add_paragraph("以下指标所属业务尚未在系统中记录，本报告未作表述：{{ not_recorded|join('、') }}。")
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("附表：指标一览", level=2)
    table = doc.add_table(rows=4, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["模块", "指标", "数值", "单位", "口径"]):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for f in figures %}"
    for cell, text in zip(
        table.rows[2].cells,
        ["{{ f.module }}", "{{ f.label }}", "{{ f.display }}", "{{ f.unit }}", "{{ f.definition }}"],
    ):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    doc.add_paragraph("生成人：{{ generated_by }}　生成时间：{{ generated_at }}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def template_check(data: bytes) -> None:
    """Refuse a file that is not a Word document, has broken Jinja, or uses a placeholder the report lacks."""
    from docxtpl import DocxTemplate

    if not data:
        raise ApplicationError("请选择要上传的 Word 模板文件（.docx）。")
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ApplicationError("模板文件超过 5 MB，请删除其中的大图片后重新上传。")
    if not data.startswith(b"PK"):
        raise ApplicationError("上传的文件不是 Word 文档（.docx），请在 Word 中“另存为 .docx”后重新上传。")
    try:
        tpl = DocxTemplate(io.BytesIO(data))
        names = tpl.get_undeclared_template_variables(jinja_env=jinja_env())
    except TemplateSyntaxError as exc:
        raise ApplicationError(
            f"模板中的占位符或 {{% %}} 语句有误（{_jinja_hint(exc)}），模板未保存，仍使用原有版本。"
        ) from None
    except TemplateError:
        raise ApplicationError("模板中的占位符有误，模板未保存，仍使用原有版本。") from None
    except Exception:  # noqa: BLE001 - python-docx raises many kinds of error for a damaged file
        raise ApplicationError("无法读取该 Word 文件（文件可能已损坏），模板未保存，仍使用原有版本。") from None
    # Loop variables (section, p, f) are declared by the template itself, so they are not reported here.
    unknown = set(names) - known_names()
    if unknown:
        raise ApplicationError(_unknown_message(unknown) + "模板未保存，仍使用原有版本。")
    try:
        build_docx(data, sample_context())
    except ApplicationError:
        raise
    except Exception:  # noqa: BLE001 - any failure of the trial render refuses the template
        raise ApplicationError("模板试生成失败，请检查 {% %} 语句是否成对，模板未保存，仍使用原有版本。") from None


def _jinja_hint(exc: TemplateSyntaxError) -> str:
    message = str(exc.message or "")
    if "end of template" in message.lower() or "expected token 'end" in message:
        return "有未结束的 {% for %} 或 {% if %}"
    if "unexpected '}'" in message or "unexpected char" in message:
        return "有未成对的 {{ }} 或 {% %}"
    if "Encountered unknown tag" in message:
        return "有系统不认识的 {% %} 语句"
    return "语法错误"


def sample_context() -> dict:
    values = {
        code: FigureValue(code, f.label, f.unit, f.module, 0, definition=f.definition)
        for code, f in catalogue.figures().items()
    }
    return report_context(
        values=values,
        sections=[Section("示例", ["示例句子。"])],
        not_recorded=[],
        scope_name="示例区",
        year=2000,
        period_label="2000年",
        generated_by="示例",
        generated_at="2000-01-01 00:00",
    )


def report_context(*, values: dict[str, FigureValue], sections, not_recorded, **extra) -> dict:
    mods = catalogue.modules()
    table = [
        {
            "code": v.code,
            "module": mods[v.module].label,
            "label": v.label,
            "display": plain_value(v.value, v.unit) if v.value is not None else NOT_RECORDED,
            "unit": v.unit,
            "definition": v.definition,
        }
        for v in values.values()
    ]
    context: dict[str, object] = {var_name(code): plain_value(v.value, v.unit) for code, v in values.items()}
    context.update(
        sections=[{"title": s.title, "paragraphs": s.paragraphs} for s in sections],
        figures=table,
        not_recorded=not_recorded,
        modules=[m.label for m in mods.values()],
        **extra,
    )
    return context


def build_docx(template: bytes, context: dict) -> bytes:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template))
    # Every placeholder must be known before rendering (StrictUndefined refuses the rest).
    full = dict.fromkeys(known_names(), "")
    full.update(context)
    tpl.render(full, jinja_env=jinja_env())
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------- Excel


def build_xlsx(
    *, title: str, values: dict[str, FigureValue], module_sheets: list[tuple[str, list[FigureValue], list]]
) -> bytes:
    """One sheet of every figure with its definition, then one sheet per module (figures and breakdowns)."""
    from jiayuan.core.excel import SafeBook, write_cell

    # Text stays text: no string is ever turned into a formula, a link or a number, and a label or a
    # definition typed as "=..." is a quoted string cell (core.excel).
    safe = SafeBook()
    book = safe.book
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    number = book.add_format({"border": 1, "num_format": "#,##0", "valign": "top"})
    money = book.add_format({"border": 1, "num_format": "#,##0.00", "valign": "top"})
    bold = book.add_format({"bold": True, "font_size": 14})
    mods = catalogue.modules()

    def put_value(sheet, row: int, col: int, v: FigureValue) -> None:
        if v.value is None:
            write_cell(safe, sheet, row, col, NOT_RECORDED, cell)
        elif v.unit == "%" or v.unit == "元":
            sheet.write_number(row, col, float(v.value), money)
        else:
            sheet.write_number(row, col, v.value, number)

    sheet = book.add_worksheet("全部指标")
    write_cell(safe, sheet, 0, 0, title, bold)
    headers = ["指标代码", "模块", "指标", "数值", "单位", "统计口径", "计数日期"]
    for col, text in enumerate(headers):
        write_cell(safe, sheet, 2, col, text, head)
    for row, v in enumerate(values.values(), start=3):
        write_cell(safe, sheet, row, 0, v.code, cell)
        write_cell(safe, sheet, row, 1, mods[v.module].label, cell)
        write_cell(safe, sheet, row, 2, v.label, cell)
        put_value(sheet, row, 3, v)
        write_cell(safe, sheet, row, 4, v.unit, cell)
        write_cell(safe, sheet, row, 5, v.definition, cell)
        write_cell(safe, sheet, row, 6, v.date_basis, cell)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 2, 22)
    sheet.set_column(3, 4, 12)
    sheet.set_column(5, 5, 60)
    sheet.set_column(6, 6, 12)
    sheet.freeze_panes(3, 0)

    for label, figs, breakdowns in module_sheets:
        ws = book.add_worksheet(label[:31])
        write_cell(safe, ws, 0, 0, f"{title} · {label}", bold)
        for col, text in enumerate(["指标", "数值", "单位", "统计口径"]):
            write_cell(safe, ws, 2, col, text, head)
        row = 3
        for v in figs:
            write_cell(safe, ws, row, 0, v.label, cell)
            put_value(ws, row, 1, v)
            write_cell(safe, ws, row, 2, v.unit, cell)
            write_cell(safe, ws, row, 3, v.definition, cell)
            row += 1
        for b in breakdowns:
            row += 1
            write_cell(safe, ws, row, 0, f"{b.figure.label}（按{b.label}）", head)
            write_cell(safe, ws, row, 1, b.figure.unit, head)
            row += 1
            for bar in b.bars:
                write_cell(safe, ws, row, 0, bar.label, cell)
                ws.write_number(row, 1, float(bar.value), money if b.figure.unit == "元" else number)
                row += 1
        ws.set_column(0, 0, 30)
        ws.set_column(1, 2, 12)
        ws.set_column(3, 3, 60)
    return safe.close()
