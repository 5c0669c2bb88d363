"""Rendering a .docx template (docxtpl) in Jinja2's sandbox, and checking an uploaded one.

docxtpl renders with Jinja2's default environment when given none, where a template can
reach Python internals and run commands on the server. Here every template renders in an
immutable sandboxed environment with autoescaping (so ``<`` and ``&`` in a value stay text
in the XML), strict undefined variables (a misspelt placeholder is an error, never a
silent blank) and no globals (no ``cycler``, ``joiner``, ``namespace`` or ``lipsum`` to
climb out from).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from lxml.etree import LxmlError

from yaoan.core.documents.kinds import DocumentKind

MAX_REPEAT = 100_000  # longest string or list a template may build with * (memory)
MAX_UNPACKED = 50 * 1024 * 1024  # an uploaded .docx's parts, unpacked (a zip bomb is refused)
QUOTED = re.compile(r"'([^']+)'")


class DocumentEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, also refusing ``**`` and huge ``*`` products (a template filling in a
    form has no use for them; they can exhaust the server's memory)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError(_("模板中不允许使用乘方运算"))
        if isinstance(left, int) and isinstance(right, (str, list, tuple)):
            left, right = right, left
        sized = isinstance(left, (str, list, tuple)) and isinstance(right, int)
        if sized and len(left) * right > MAX_REPEAT:
            raise SecurityError(_("模板中的重复次数过大"))
        return super().call_binop(context, operator, left, right)


def environment() -> DocumentEnvironment:
    env = DocumentEnvironment(autoescape=True, undefined=StrictUndefined)
    env.globals.clear()
    return env


class TemplateRenderError(Exception):
    """A template that cannot be rendered; ``placeholder`` names the failing name ("" when
    the fault is the template's structure rather than one name)."""

    def __init__(self, placeholder: str, reason: str) -> None:
        self.placeholder = placeholder
        self.reason = reason
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if not self.placeholder:
            return _("模板无法渲染：%(reason)s") % {"reason": self.reason}
        return _("模板中的占位符 %(name)s 无法渲染：%(reason)s") % {
            "name": self.placeholder,
            "reason": self.reason,
        }


def _failure(exc: Exception) -> TemplateRenderError:
    """Name the placeholder a Jinja error is about, with the reason in Chinese."""
    text = str(exc)
    names = QUOTED.findall(text)
    if isinstance(exc, SecurityError):
        if not names:  # one of our own refusals, already in Chinese
            return TemplateRenderError("", text)
        return TemplateRenderError(names[0], _("出于安全原因，模板不能访问该属性或执行该操作"))
    if isinstance(exc, UndefinedError):
        # "'x' is undefined" or "'dict object' has no attribute 'y'": the last quoted name
        name = names[-1] if names else "?"
        return TemplateRenderError(name, _("没有这个字段（名称拼写有误或该文书不提供）"))
    if isinstance(exc, TemplateSyntaxError):
        return TemplateRenderError("", _("语法错误：%(m)s") % {"m": exc.message or text})
    return TemplateRenderError(names[-1] if names else "", text)


def _open(content: bytes) -> DocxTemplate:
    document = DocxTemplate(io.BytesIO(content))
    try:
        document.init_docx()  # docxtpl opens the package lazily; open it now to check it
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, LxmlError):
        raise ValidationError(
            _("文件不是有效的 Word（.docx）文档"), code="template_not_docx"
        ) from None
    return document


def render_docx(template: bytes, context: Mapping[str, Any]) -> bytes:
    """The filled-in document; ``TemplateRenderError`` naming the placeholder that failed."""
    document = _open(template)
    try:
        document.render(dict(context), jinja_env=environment())
    except TemplateError as exc:
        raise _failure(exc) from exc
    except (LxmlError, ValueError) as exc:  # tags that break the document's XML structure
        raise TemplateRenderError("", str(exc)) from exc
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _undeclared(document: DocxTemplate) -> set[str]:
    try:
        return set(document.get_undeclared_template_variables(jinja_env=environment()))
    except TemplateError as exc:
        raise _failure(exc) from exc


def _check_unpacked_size(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return  # _open says it is not a .docx
    if unpacked > MAX_UNPACKED:
        raise ValidationError(
            _("模板文件解压后超过 %(m)d MB，不予接受") % {"m": MAX_UNPACKED // (1024 * 1024)},
            code="template_too_large",
        )


def validate_template(kind: DocumentKind, content: bytes) -> None:
    """Refuse a template that uses a name the kind does not provide or that fails to render
    with the kind's sample context; the message names the placeholder (Chinese)."""
    _check_unpacked_size(content)
    document = _open(content)
    try:
        unknown = sorted(_undeclared(document) - kind.field_names)
        if unknown:
            raise TemplateRenderError(
                unknown[0],
                _("“%(kind)s”不提供这个字段，可用的字段：%(names)s")
                % {"kind": kind.label, "names": "、".join(f.name for f in kind.all_fields)},
            )
        render_docx(content, kind.sample_context())
    except TemplateRenderError as exc:
        raise ValidationError(exc.message, code="template_failed") from exc
