"""Issue 22 part 2, privacy switches: contact details masked (default) or hidden, never_publish columns left out
of every output, amounts kept off customer pages, noindex and robots.txt unless [site] public, and the check's
warning before full contact details go to a public host."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from sitegen.build import build_site, check_site
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import ConfigError
from sitegen.privacy import is_intranet_host, mask_email, mask_phone

AS_OF = "2026-06-30"


# --- masking -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, masked", [
    ("13912349007", "139****9007"),
    ("139 1234 9007", "139 **** 9007"),
    ("+86 139 1234 9007", "+86 139 **** 9007"),
    ("+8613912349007", "+86139****9007"),
    ("0086 13912349007", "0086 139****9007"),
    ("010-8888-1234", "010-****-1234"),
    ("021-55550101", "021-****0101"),
    ("+65 61618048", "+65 ******48"),
    ("+1 (415) 555-0123", "+1 (***) ***-**23"),
    ("12345", "***45"),
    ("110", "***"),
    ("", ""),
    ("n/a", "n/a"),
])
def test_mask_phone(raw: str, masked: str) -> None:
    assert mask_phone(raw) == masked


@pytest.mark.parametrize("raw, masked", [
    ("tom.lee@example.com", "t***@example.com"),
    ("a@b.example", "a***@b.example"),
    ("Tom <tom@x.example>, ann@y.example", "Tom <t***@x.example>, a***@y.example"),
    ("no address here", "n***"),
    ("", ""),
])
def test_mask_email(raw: str, masked: str) -> None:
    assert mask_email(raw) == masked


def test_missing_values_pass_unmasked() -> None:
    assert mask_phone(None) is None and mask_email(None) is None
    nan = float("nan")
    assert mask_phone(nan) is nan and mask_email(nan) is nan


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", "+86 ", "+86", "0086 ", "+86-"]))
def test_a_chinese_mobile_never_shows_its_middle_digits(number: str, prefix: str) -> None:
    masked = mask_phone(prefix + number)
    assert masked == prefix + number[:3] + "****" + number[-4:]


@given(st.text(alphabet="0123456789 -()+./x", max_size=40))
def test_a_masked_number_keeps_at_most_its_ends(value: str) -> None:
    masked = mask_phone(value)
    assert len(masked) == len(value)
    for a, b in zip(value, masked):  # only digits change, and only to the mask
        assert a == b or (a.isdigit() and b == "*")
    digits = sum(c.isdigit() for c in value)
    shown = sum(c.isdigit() for c in masked)
    if re.match(r"\s*(\+|00)", value):  # a country code of up to 3 digits (after + or 00) may stay too
        assert shown <= 5 + max(0, digits - 4)
    else:
        assert shown <= (7 if digits >= 11 else 2 if digits > 4 else 0) and shown <= max(0, digits - 3)


@given(st.from_regex(r"[a-z0-9._%+-]{2,20}", fullmatch=True), st.from_regex(r"[a-z0-9-]{1,10}\.[a-z]{2,6}", fullmatch=True))
def test_a_masked_email_keeps_only_the_first_character_of_its_local_part(local: str, domain: str) -> None:
    masked = mask_email(f"{local}@{domain}")
    assert masked == f"{local[0]}***@{domain}"
    assert local not in masked.split("@")[0]


@pytest.mark.parametrize("host, intranet", [
    ("localhost", True), ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.10", True), ("172.16.5.4", True),
    ("::1", True), ("sales", True), ("sales.local", True), ("crm.corp", True), ("bi.internal", True),
    ("nas.lan", True), ("sales.intranet", True), ("sales.example.com", False), ("acme.github.io", False),
    ("acme.gitlab.io", False), ("site.pages.dev", False), ("x.netlify.app", False), ("x.vercel.app", False),
    ("8.8.8.8", False),
])
def test_intranet_hosts(host: str, intranet: bool) -> None:
    assert is_intranet_host(host) is intranet


def test_listed_intranet_hosts_count_as_intranet() -> None:
    assert is_intranet_host("sales.example.com", ("sales.example.com",))
    assert is_intranet_host("bi.corp.example.com", ("*.corp.example.com",))
    assert not is_intranet_host("corp.example.com.evil.io", ("*.corp.example.com",))


# --- config --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("section, message", [
    ('contacts = "blur"', 'privacy.contacts: must be "show", "mask" or "hide"'),
    ("never_publish = [\"amount\"]", "'amount' is not a column sitegen can leave out"),
    ("never_publish = [\"contacts.customer_id\"]", "'contacts.customer_id' is not a column"),
    ("amounts_on_customer_pages = \"no\"", "privacy.amounts_on_customer_pages: must be true or false"),
    ("hide = true", "privacy.hide: unknown key"),
])
def test_privacy_config_problems(make_site, section: str, message: str) -> None:
    root = make_site({}, f"[privacy]\n{section}\n")
    with pytest.raises(ConfigError) as caught:
        load_config(cwd=root)
    assert any(message in p.format() for p in caught.value.problems), [p.format() for p in caught.value.problems]


def test_privacy_defaults_and_never_publish_forms(make_site) -> None:
    assert load_config(cwd=make_site({})).privacy.contacts == "mask"
    config = load_config(cwd=make_site({}, '[site]\npublic = true\n[privacy]\nnever_publish = ["notes", '
                                           '"feedback.comment", "name"]\n', name="forms"))
    assert config.site.public
    pairs = set(config.privacy.never_publish)
    assert {("contacts", "notes"), ("feedback", "comment"), ("customers", "name"), ("contacts", "name")} <= pairs
    assert ("feedback", "name") not in pairs


# --- demo builds ---------------------------------------------------------------------------------------------

def _build(demo_site: Path, root: Path, config: str = "", static: dict[str, str] | None = None) -> Path:
    shutil.copytree(demo_site / "data", root / "data")
    (root / "sitegen.toml").write_text(config, encoding="utf-8")
    for name, text in (static or {}).items():
        (root / "static").mkdir(exist_ok=True)
        (root / "static" / name).write_text(text, encoding="utf-8")
    return build_site(load_config(cwd=root), as_of=AS_OF, jobs=1).out


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _contacts(demo_site: Path) -> list[dict[str, str]]:
    with open(demo_site / "data" / "contacts.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _needles(demo_site: Path) -> set[bytes]:
    """Every full phone number (as written and as digits only) and email of the demo contacts."""
    found: set[bytes] = set()
    for row in _contacts(demo_site):
        if row["email"]:
            found.add(row["email"].encode())
        if row["phone"]:
            found |= {row["phone"].encode(), re.sub(r"\D", "", row["phone"]).encode()}
    return found


@pytest.fixture(scope="module")
def masked(site_en: Path) -> dict[str, bytes]:
    """The default privacy settings: the session's English demo build (tests/conftest.py ``demo_en``)."""
    return _files(site_en)


@pytest.fixture(scope="module")
def shown(demo_site: Path, tmp_path_factory) -> dict[str, bytes]:
    return _files(_build(demo_site, tmp_path_factory.mktemp("shown"), '[privacy]\ncontacts = "show"\n'))


@pytest.fixture(scope="module")
def strict(demo_site: Path, tmp_path_factory) -> dict[str, bytes]:
    config = ('[site]\npublic = true\n[privacy]\ncontacts = "hide"\namounts_on_customer_pages = false\n'
              'never_publish = ["notes", "feedback.comment"]\n')
    return _files(_build(demo_site, tmp_path_factory.mktemp("strict"), config,
                         {"robots.txt": "User-agent: *\nAllow: /\n# ours\n"}))


def test_mask_leaves_no_full_phone_number_or_email_in_any_output_file(demo_site: Path, masked, shown) -> None:
    needles = _needles(demo_site)
    assert len(needles) > 500
    assert any(n in data for data in shown.values() for n in needles)  # the scan finds them when shown
    leaks = [(path, n.decode()) for path, data in masked.items() for n in needles if n in data]
    assert not leaks, leaks[:10]
    assert b"139****" in b"".join(masked.values()) or b"****" in b"".join(masked.values())


def test_masked_contacts_get_no_tel_or_mailto_links(masked, shown) -> None:
    pages = [data for path, data in masked.items() if path.startswith("customers/") and path.endswith(".html")]
    assert not any(b'href="tel:' in page or b'href="mailto:' in page for page in pages)
    assert any(b'href="tel:' in data for data in shown.values())
    assert any(b'href="mailto:' in data for data in shown.values())


def test_hide_leaves_no_contact_details_links_or_columns(demo_site: Path, strict) -> None:
    needles = _needles(demo_site)
    assert not [path for path, data in strict.items() for n in needles if n in data]
    for path, data in strict.items():
        assert b'href="tel:' not in data and b'href="mailto:' not in data, path
        if path.endswith(".csv"):
            header = data.split(b"\n", 1)[0].split(b",")
            assert b"email" not in header and b"phone" not in header, path
    page = strict["customers/c00002/index.html"].decode()
    assert 'col">Email<' not in page and 'col">Phone<' not in page and '>Influence</th>' in page


def test_never_publish_columns_appear_nowhere(demo_site: Path, strict, masked) -> None:
    notes = {row["notes"] for row in _contacts(demo_site) if row["notes"]}
    with open(demo_site / "data" / "feedback.csv", encoding="utf-8", newline="") as f:
        comments = {row["comment"] for row in csv.DictReader(f) if len(row["comment"]) > 3}
    values = {v.encode() for v in notes | comments}
    assert notes and comments and any(v in data for data in masked.values() for v in values)
    assert not [(path, v.decode()) for path, data in strict.items() for v in values if v in data]


def test_amounts_stay_off_customer_pages_and_visit_sheets(strict, masked) -> None:
    customer_pages = [p for p in strict if re.fullmatch(r"customers/[^/]+/(index|visit)\.html", p)]
    assert any(p.endswith("visit.html") for p in customer_pages)
    for path in customer_pages:
        assert "¥" in masked[path].decode(), path  # the default build shows amounts there
        assert "¥" not in strict[path].decode(), path
    assert "Amounts are not shown on customer pages." in strict["customers/c00002/index.html"].decode()
    assert "¥" in strict["index.html"].decode()  # the dashboard keeps its figures


def test_every_page_asks_search_engines_to_stay_away_by_default(masked, strict) -> None:
    meta = b'<meta name="robots" content="noindex, nofollow">'
    pages = [path for path in masked if path.endswith(".html")]
    assert len(pages) > 300
    assert [path for path in pages if meta not in masked[path]] == []
    assert masked["robots.txt"].endswith(b"User-agent: *\nDisallow: /\n")
    assert [path for path in strict if path.endswith(".html") and meta in strict[path]] == []
    assert strict["robots.txt"] == b"User-agent: *\nAllow: /\n# ours\n"  # the user's own file wins


def test_a_public_site_has_no_robots_txt(make_site) -> None:
    root = make_site({"orders.csv": "customer_id,order_date,amount\nC1,2026-06-01,10\n"}, "[site]\npublic = true\n")
    out = build_site(load_config(cwd=root), as_of=AS_OF, jobs=1).out
    assert not (out / "robots.txt").exists()
    assert b'name="robots"' not in (out / "index.html").read_bytes()


# --- the public-host warning ---------------------------------------------------------------------------------

CONTACTS = {"orders.csv": "customer_id,order_date,amount\nC1,2026-06-01,10\n",
            "contacts.csv": "customer_id,name,email,phone\nC1,Amy,amy@example.com,13912349007\n"}
WARNING = "full contact details (phone, email) would be published to acme.github.io"


@pytest.mark.parametrize("config, warned", [
    ('[site]\nbase_url = "https://acme.github.io/sales/"\n[privacy]\ncontacts = "show"\n', True),
    ('[site]\nbase_url = "https://acme.github.io/sales/"\n', False),                   # masked by default
    ('[site]\nbase_url = "https://acme.github.io/sales/"\n[privacy]\ncontacts = "hide"\n', False),
    ('[site]\nbase_url = "http://10.0.0.5/sales/"\n[privacy]\ncontacts = "show"\n', False),
    ('[site]\nbase_url = "https://acme.github.io/"\n[privacy]\ncontacts = "show"\nintranet_hosts = ["acme.github.io"]\n',
     False),
])
def test_check_warns_before_publishing_contacts_to_a_public_host(make_site, config: str, warned: bool) -> None:
    root = make_site(CONTACTS, config)
    result = check_site(load_config(cwd=root), AS_OF)
    messages = [p.format() for p in result.problems if p.severity == "warning"]
    assert any(WARNING in m for m in messages) is warned, messages
    assert result.errors == 0


def test_the_warning_is_printed_by_check_and_build_and_listed_on_the_data_quality_page(make_site, monkeypatch) -> None:
    root = make_site(CONTACTS, '[site]\nbase_url = "https://acme.github.io/sales/"\n[privacy]\ncontacts = "show"\n')
    monkeypatch.chdir(root)
    for command in (["check"], ["build", "--jobs", "1"]):
        result = CliRunner().invoke(main, [*command, "--as-of", AS_OF], catch_exceptions=False)
        assert result.exit_code == 0 and WARNING in result.output, result.output
    assert WARNING in (root / "output" / "data-quality" / "index.html").read_text(encoding="utf-8")


def test_check_warns_when_the_pages_workflow_would_publish_contacts(make_site) -> None:
    root = make_site(CONTACTS, '[privacy]\ncontacts = "show"\n')
    workflow = root / ".github" / "workflows" / "sitegen.yml"
    assert not [p for p in check_site(load_config(cwd=root), AS_OF).problems if "Pages" in p.message]
    workflow.parent.mkdir(parents=True)
    workflow.write_text("name: sitegen\n", encoding="utf-8")
    found = [p.format() for p in check_site(load_config(cwd=root), AS_OF).problems if "Pages" in p.message]
    assert found and found[0].startswith(".github/workflows/sitegen.yml: column privacy.contacts:")
    (root / "sitegen.toml").write_text("", encoding="utf-8")  # masked: nothing to warn about
    assert not [p for p in check_site(load_config(cwd=root), AS_OF).problems if "Pages" in p.message]


def test_every_privacy_key_is_documented() -> None:
    from sitegen.privacy_config import KEYS

    doc = (Path(__file__).resolve().parent.parent / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert "## `[privacy]`" in doc and "| `public` | `false` |" in doc
    assert [key for key in KEYS if f"| `{key}` |" not in doc] == []
