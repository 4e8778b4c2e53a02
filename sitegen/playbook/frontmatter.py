"""YAML front matter of a playbook page: split it from the body and validate every field.

Every problem names the file and the line of the field (the opening ``---`` when a field is
missing), so ``sitegen check`` output reads like the data problems: ``FILE:LINE: message (hint)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from sitegen.config import Config
from sitegen.dataset.problems import Problem, Severity
from sitegen.playbook import safeyaml
from sitegen.playbook.safeyaml import QUOTE_CHARS, quote

KINDS = ("stage-guide", "script", "template", "checklist", "policy", "role")
TIERS = ("strategic", "key", "general", "potential")
ROLES = ("sales-manager", "account-manager", "technical-support", "data-analyst")
# the seven steps of the company's sales process (the process map), in order; a page's ``step`` is one of them
STEPS = ("customer-analysis", "relationship", "needs", "value", "commitment", "contract", "after-sales")
REQUIRED = ("title", "kind", "order", "summary")
STAGE_GUIDE_FIELDS = ("goal", "entry_criterion", "exit_criterion", "key_actions", "output_document")
EXTRA_FIELDS = (*STAGE_GUIDE_FIELDS, "service_model")
DOWNLOAD_FORMATS = ("docx", "xlsx")
PROCESS_FIELDS = ("step", "owner_role", "onboarding", "downloads")
KNOWN_FIELDS = (*REQUIRED, "roles", "stage", "tier", *EXTRA_FIELDS, *PROCESS_FIELDS)
FENCE = "---"


@dataclass(frozen=True)
class Header:
    """The validated front matter of one page."""

    title: str
    kind: str
    order: int
    summary: str
    stage: str | None
    tier: str | None
    roles: tuple[str, ...]
    meta: Mapping[str, Any]


def split(text: str) -> tuple[str | None, str]:
    """``(front matter, body)``; the front matter is None when the file does not start with one."""
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        return None, text
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip() in (FENCE, "..."):
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:])
    return None, text


class _Fields:
    """Reads typed fields from the parsed mapping, collecting problems with their lines."""

    def __init__(self, data: dict[str, Any], lines: dict[str, int], file: str, lenient_stages: bool):
        self.data, self.lines, self.file = data, lines, file
        self.lenient_stages = lenient_stages
        self.problems: list[Problem] = []

    def add(self, key: str, message: str, hint: str = "", severity: Severity = "error") -> None:
        self.problems.append(Problem(self.file, self.lines.get(key, 1), "", f"front matter: {key}: {message}",
                                     hint, severity))

    def text(self, key: str, required: bool) -> str | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(key, "missing", f'add a line like {key}: "..." between the --- lines')
            return None
        if not isinstance(value, str):
            self.add(key, f"must be text, got {quote(value)}", "put the value in quotes")
            return None
        return value.strip()

    def choice(self, key: str, allowed: tuple[str, ...], required: bool = False) -> str | None:
        value = self.text(key, required)
        if value is None or value in allowed:
            return value
        self.add(key, f"unknown value {quote(value)}", _did_you_mean(value, allowed))
        return None

    def stage(self, config: Config) -> str | None:
        value = self.data.get("stage")
        if value is None:
            return None
        if not isinstance(value, str) or value not in config.stage_keys:
            hint = _did_you_mean(value if isinstance(value, str) else "", config.stage_keys, _stage_labels(config))
            if self.lenient_stages:
                self.add("stage", f"sitegen's default playbook has a page for stage {quote(value)}, which is not "
                         "in your [[stages]]", "copy the default playbook with `sitegen init` and adapt it; "
                         + hint, "warning")
            else:
                self.add("stage", f"unknown stage {quote(value)}", hint)
            return None
        return value

    def whole_number(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            self.add(key, "missing", f"add a line like {key}: 1 (pages are sorted by it)")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(key, f"must be a whole number, got {quote(value)}", f"for example {key}: 3")
            return None
        return value

    def text_list(self, key: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(key, "must be a list of texts", f"for example {key}: [first, second]")
            return None
        items = tuple(v.strip() for v in value)
        for item in items:
            if allowed is not None and item not in allowed:
                self.add(key, f"unknown value {quote(item)}", _did_you_mean(item, allowed))
                return None
        return items


def parse_header(front: str, file: str, config: Config, *, lenient_stages: bool = False
                 ) -> tuple[Header | None, list[Problem]]:
    """Validate the YAML between the ``---`` lines; ``None`` with problems when it is unusable."""
    try:
        node, data = safeyaml.load(front)
    except safeyaml.Unsafe as exc:
        return None, [Problem(file, exc.line, "", exc.message, exc.hint)]
    except (yaml.YAMLError, ValueError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc)
        reason = reason if len(reason) <= 2 * QUOTE_CHARS else reason[:2 * QUOTE_CHARS - 1] + "…"
        return None, [Problem(file, line, "", f"front matter is not valid YAML: {reason}",
                              "check quotes, colons and indentation")]
    if not isinstance(data, dict):
        return None, [Problem(file, 1, "", "front matter must be fields like title: ...",
                              "write one field per line between the --- lines")]
    fields = _Fields(data, _key_lines(node), file, lenient_stages)
    check_keys(fields, node)
    header = _header(fields, config)
    errors = any(p.severity == "error" for p in fields.problems)
    return (None if errors else header), fields.problems


def _header(f: _Fields, config: Config) -> Header:
    title, summary = f.text("title", True), f.text("summary", True)
    kind, order = f.choice("kind", KINDS, required=True), f.whole_number("order")
    stage, tier = f.stage(config), f.choice("tier", TIERS)
    roles = f.text_list("roles", ROLES)
    meta: dict[str, Any] = {}
    for key in EXTRA_FIELDS:
        required = (kind == "stage-guide" and key in STAGE_GUIDE_FIELDS) or \
            (kind == "policy" and tier is not None and key == "service_model")
        if key == "key_actions":
            value = f.text_list(key)
            if required and value == ():
                f.add(key, "missing", "list the stage's key actions, for example key_actions: [first, second]")
        else:
            value = f.text(key, required)
        if value:
            meta[key] = value
    _process_fields(f, meta)
    if kind == "stage-guide" and f.data.get("stage") is None:
        f.add("stage", "missing", "a stage guide needs stage: <key> with a key from [[stages]]: "
              + ", ".join(config.stage_keys))
    return Header(title=title or "", kind=kind or "", order=order or 0, summary=summary or "", stage=stage,
                  tier=tier, roles=roles or (), meta=MappingProxyType(meta))


def _process_fields(f: _Fields, meta: dict[str, Any]) -> None:
    """``step`` and ``owner_role`` (the process map), ``onboarding`` (the new hire's reading order:
    a whole number from 1) and ``downloads`` (the files a template is offered as: [docx, xlsx]; [] for none)
    into ``meta``."""
    step, owner = f.choice("step", STEPS), f.choice("owner_role", ROLES)
    if step:
        meta["step"] = step
    if owner:
        meta["owner_role"] = owner
    if "onboarding" in f.data:
        value = f.data["onboarding"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            f.add("onboarding", f"must be a whole number from 1, got {quote(value)}",
                  "the place of the page in the first-30-days reading order, for example onboarding: 3")
        else:
            meta["onboarding"] = value
    if "downloads" in f.data:
        formats = f.text_list("downloads", DOWNLOAD_FORMATS)
        if formats is not None:
            meta["downloads"] = formats


def _key_lines(node: yaml.Node) -> dict[str, int]:
    """Field -> line in the file (the front matter starts on line 2, after the opening ``---``)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 2 for k, _ in node.value}


def check_keys(f: _Fields, node: Any, known: tuple[str, ...] = KNOWN_FIELDS, where: str = "front matter: ") -> None:
    """Unknown and repeated fields are errors (a typo must not silently drop a field), with a did-you-mean;
    ``where`` names the mapping in the message (the front matter, or one item of a list in it)."""
    seen: set[str] = set()
    for key_node, _ in node.value if isinstance(node, yaml.MappingNode) else ():
        key, line = str(key_node.value), key_node.start_mark.line + 2
        if key in seen:
            f.problems.append(Problem(f.file, line, "", f"{where}{quote(key)[1:-1]}: appears twice",
                                      "keep one of the lines"))
        elif key not in known:
            f.problems.append(Problem(f.file, line, "", f"{where}unknown field {quote(key)}", _did_you_mean(key, known)))
        seen.add(key)


def _stage_labels(config: Config) -> dict[str, str]:
    """Stage names and aliases (case-folded) -> key, so ``stage: Proposal`` suggests ``proposal``."""
    labels: dict[str, str] = {}
    for s in config.stages:
        for label in (s.key, *s.names.values(), *s.aliases):
            labels.setdefault(label.strip().casefold(), s.key)
    return labels


def _did_you_mean(value: str, allowed: tuple[str, ...], labels: Mapping[str, str] | None = None) -> str:
    """``did you mean 'x'?`` from the allowed values (and labels mapping to them), plus the full list."""
    choices = ", ".join(allowed)
    folded = value[:QUOTE_CHARS].strip().casefold()
    candidates: dict[str, str] = {a.casefold(): a for a in allowed}
    candidates.update(labels or {})
    close = get_close_matches(folded, list(candidates), n=1, cutoff=0.6)
    if close:
        return f"did you mean {quote(candidates[close[0]])}? known values: {choices}"
    return f"known values: {choices}"


__all__: list[str] = ["Header", "KINDS", "TIERS", "ROLES", "STEPS", "EXTRA_FIELDS", "split", "parse_header"]
