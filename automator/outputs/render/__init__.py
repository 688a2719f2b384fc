"""Fill a docxtpl template: build the context from a Document, render it safely, fast.

    ctx = build_context(doc, rule, ruleset, source_name="x.xlsx", summary="8项检查全部通过")
    render_document(templates / rule.template, ctx, out_path)

Rendering is autoescaped (pitfall 1.1), sandboxed (1.11) and strict: a variable
the data does not provide raises TemplateError naming it and the template (1.3).
Template bytes, docxtpl's XML patching and the compiled Jinja code are cached per
process. The template package is opened with python-docx once per process (a
`_Plan`); each render then runs only the parts docxtpl renders (body, headers,
footers) through docxtpl's own pipeline on a fresh docxtpl object (pitfall 1.10),
and writes the zip by copying the other members' compressed bytes. Templates the
fast path does not cover (footnotes, tags in the core properties) take the full
docxtpl path.
"""


from automator.outputs.render.context import (
    META_KEYS,
    RESERVED,
    SUMMABLE,
    build_context,
    example_context,
    expected_values,
)
from automator.outputs.render.engine import render_document
from automator.outputs.render.environment import environment, patch_xml

__all__ = ["META_KEYS", "RESERVED", "SUMMABLE", "build_context", "environment", "example_context",
           "expected_values", "patch_xml", "render_document"]
