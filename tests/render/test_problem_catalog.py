"""Every constant problem message and hint the data loader writes has a Chinese translation (issue 19 §1):
the data-quality page of a Chinese site must not fall back to English for a problem that exists in the code.

Messages are found in the source: the message and hint arguments of ``log.add`` / ``log.add_rows`` that are
string literals or module-level string constants. Messages built with values (f-strings) are translated by
their key, the part before the value, and are covered by tests/pages/test_data_quality_language.py."""

from __future__ import annotations

import ast
from pathlib import Path

import sitegen
from sitegen.render import load_catalog

DATASET = Path(sitegen.__file__).parent / "dataset"


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level NAME = "text" assignments."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            out.update({t.id: node.value.value for t in node.targets if isinstance(t, ast.Name)})
    return out


def problem_texts() -> dict[str, str]:
    """Constant message/hint text -> where it is written (file:line)."""
    found: dict[str, str] = {}
    for path in sorted(DATASET.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _constants(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("add", "add_rows")):
                continue
            args = list(node.args[3:5]) + [k.value for k in node.keywords if k.arg in ("message", "hint")]
            for arg in args:
                text = arg.value if isinstance(arg, ast.Constant) else names.get(arg.id) if isinstance(arg, ast.Name) \
                    else None
                if isinstance(text, str) and text:
                    found.setdefault(text, f"{path.relative_to(DATASET.parent)}:{node.lineno}")
    return found


def test_the_scan_finds_the_loaders_messages() -> None:
    texts = problem_texts()
    assert "missing value" in texts and "report footer row skipped" in texts
    assert "a line the export adds below the data (totals, copyright, who exported it), not a row of data" in texts
    assert len(texts) > 40


def test_every_constant_problem_text_is_in_the_chinese_catalog() -> None:
    catalog = load_catalog("zh-CN")
    missing = {text: where for text, where in problem_texts().items() if text not in catalog}
    assert not missing, "add these to sitegen/render/catalog/zh-CN.toml:\n" + "\n".join(
        f"{where}: {text!r}" for text, where in sorted(missing.items(), key=lambda kv: kv[1]))
