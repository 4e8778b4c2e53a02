"""Audiences (issue 22 §1): ``[[audiences]]`` config, the slice, hidden sections, the leak test on the demo
data (two regions), owner filters, the fingerprint, and the command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sitegen.audience import select_audience, slice_dataset
from sitegen.audience_links import unlink
from sitegen.build import build_site
from sitegen.cli import main
from sitegen.config import load_config, parse_config
from sitegen.dataset import load_dataset
from sitegen.errors import ConfigError
from sitegen.metrics import compute_metrics
from sitegen.pages.data_files import jsonable
from tests.conftest import AS_OF

REGIONS = {"east": "East China", "south": "South China"}
HIDDEN = ("team/", "receivables/", "service/", "playbook/", "data-quality/")  # not in east's sections


def problems(raw: dict) -> list[str]:
    with pytest.raises(ConfigError) as info:
        parse_config(raw, root=Path("/tmp"))
    return [p.format() for p in info.value.problems]


def test_config_reads_audiences_and_teams() -> None:
    config = parse_config({"teams": {"north": ["Ann", "Bo"]}, "audiences": [
        {"name": "north", "team": ["north"], "owner": ["Cy"], "sections": ["team", "funnel"],
         "contacts": False, "others_scorecards": True, "company_totals": True},
        {"name": "all"}]}, root=Path("/tmp"))
    north, everyone = config.audiences
    assert north.owners == ("Cy", "Ann", "Bo") and north.sections == ("funnel", "team")
    assert (north.contacts, north.others_scorecards, north.company_totals) == (False, True, True)
    assert not everyone.filtered and everyone.contacts and not everyone.others_scorecards
    assert everyone.shows("playbook") and north.shows("dashboard") and not north.shows("customers")


@pytest.mark.parametrize("raw, expected", [
    ({"audiences": [{"name": "a", "regoin": ["X"]}]}, "audiences[0].regoin: unknown key (did you mean 'region'?)"),
    ({"audiences": [{"name": "a"}, {"name": "a"}]}, "audience name 'a' appears more than once"),
    ({"audiences": [{"name": "A b"}]}, "audiences[0].name: must be a folder name"),
    ({"audiences": [{"owner": ["x"]}]}, "audiences[0].name: missing"),
    ({"audiences": [{"name": "a", "team": ["t"]}]}, "audiences.a.team: unknown team 't'"),
    ({"audiences": [{"name": "a", "sections": ["teams"]}]}, "audiences.a.sections: unknown section 'teams'"),
    ({"audiences": [{"name": "a", "owner": []}]}, "audiences[0].owner: must be a non-empty list"),
    ({"audiences": {"name": "a"}}, "audiences: must be an array of tables"),
    ({"teams": {"t": "Ann"}}, "teams.t: must be a list of strings"),
])
def test_config_problems(raw: dict, expected: str) -> None:
    assert any(expected in p for p in problems(raw)), problems(raw)


def test_unknown_audience_is_a_usage_error() -> None:
    config = parse_config({"audiences": [{"name": "a"}]}, root=Path("/tmp"))
    with pytest.raises(ConfigError, match="unknown audience 'b'"):
        select_audience(config, "b")
    assert select_audience(config, None) is config and select_audience(config, "a").audience.name == "a"


def test_unlink_turns_links_into_hidden_folders_into_spans() -> None:
    html = ('<a class="tile" href="../team/index.html#x"><b>1</b></a> <a href="../funnel/index.html">F</a> '
            '<a href="#team/">T</a> <a href="../data/team.csv">csv</a>')
    out = unlink(html, "../", ("team/", "data/team.csv"))
    assert out == ('<span class="tile"><b>1</b></span> <a href="../funnel/index.html">F</a> '
                   '<a href="#team/">T</a> <span>csv</span>')


# --- the leak test: two audiences of the demo data, one region each -------------------------------------


@pytest.fixture(scope="module")
def region_builds(audience_builds) -> dict[str, Path]:
    """Both audiences of AUDIENCE_CONFIG built (jobs=1) from one copy of the demo data; the session's builds
    (tests/conftest.py ``audience_builds``), so the gates' audience pages are the ones tested here."""
    return {name: audience_builds[name] for name in REGIONS} | {"root": audience_builds.root}


def secrets(data: Path, region: str) -> tuple[set[str], set[str]]:
    """Customer ids, and names, emails and phone numbers of the customers of ``region`` and their contacts."""
    customers = pd.read_csv(data / "customers.csv", dtype=str)
    contacts = pd.read_csv(data / "contacts.csv", dtype=str)
    mine = customers[customers["region"] == region]
    people = contacts[contacts["customer_id"].isin(mine["customer_id"])]
    texts = {*mine["name"].dropna(), *people["email"].dropna(), *people["phone"].dropna()}
    return set(mine["customer_id"]), texts


@pytest.mark.parametrize("name, other", [("east", "south"), ("south", "east")])
def test_no_file_of_an_audience_holds_another_audiences_customers(region_builds, name: str, other: str) -> None:
    out = region_builds[name]
    ids, texts = secrets(region_builds["root"] / "data", REGIONS[other])
    own_ids, _ = secrets(region_builds["root"] / "data", REGIONS[name])
    assert len(ids) > 50 and len(texts) > 100
    token = re.compile(r"(?<![A-Za-z0-9])(" + "|".join(map(re.escape, sorted(ids))) + r")(?![A-Za-z0-9])")
    files = [f for f in out.rglob("*") if f.is_file() and f.name != "plotly.min.js"]
    suffixes = {f.suffix for f in files}
    assert {".html", ".js", ".json", ".csv"} <= suffixes
    found_own = False
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        match = token.search(text)
        assert match is None, f"{f.relative_to(out)} holds {other}'s customer id {match.group(0)}"
        leaked = [t for t in texts if t in text]
        assert not leaked, f"{f.relative_to(out)} holds {other}'s {leaked[:3]}"
        found_own = found_own or any(cid in text for cid in own_ids)
    assert found_own  # the scan reads the files that do hold customers


@pytest.mark.parametrize("name", REGIONS)
def test_dashboard_figures_are_the_metrics_of_the_slice(region_builds, name: str) -> None:
    config = select_audience(load_config(cwd=region_builds["root"]), name)
    dataset = slice_dataset(load_dataset(config), config.audience)
    customers = dataset.tables["customers"]
    assert set(customers["region"]) == {REGIONS[name]}
    expected = {k: jsonable(v) for k, v in compute_metrics(dataset, config, pd.Timestamp(AS_OF)).kpis.items()}
    written = json.loads((region_builds[name] / "data" / "metrics.json").read_text(encoding="utf-8"))["kpis"]
    assert written == json.loads(json.dumps(expected))
    whole = compute_metrics(load_dataset(config), config, pd.Timestamp(AS_OF)).kpis
    assert written["revenue_window"] < whole["revenue_window"]


def test_hidden_sections_are_not_built_listed_searched_or_linked(region_builds) -> None:
    out = region_builds["east"]
    for folder in HIDDEN:
        assert not (out / folder).exists()
    assert not (out / "data" / "team.csv").exists() and (out / "data" / "customers.csv").exists()
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        root = "../" * (len(page.relative_to(out).parts) - 1)
        for href in re.findall(r'href="([^"]*)"', text):
            target = href.removeprefix(root) if root else href
            assert not target.startswith(HIDDEN), f"{page.relative_to(out)} links to {href}"
    search = (out / "data" / "search-index.js").read_text(encoding="utf-8")
    assert '"owner"' not in search and '"playbook"' not in search and '"customer"' in search
    for table in out.glob("data/*.js"):
        assert not re.search(r'"(\.\./)*(team|receivables|service|playbook|data-quality)/', table.read_text("utf-8"))
    south = (region_builds["south"] / "index.html").read_text(encoding="utf-8")
    assert 'href="team/index.html"' in south and 'id="company"' not in south  # south shows every section


def test_company_totals_and_contacts(region_builds, demo_site: Path) -> None:
    east = (region_builds["east"] / "index.html").read_text(encoding="utf-8")
    assert 'id="company"' in east
    config = load_config(cwd=region_builds["root"])
    whole = compute_metrics(load_dataset(config), config, pd.Timestamp(AS_OF)).kpis
    shown = re.search(r'id="company".*?</section>', east, re.S).group(0)
    assert f"{whole['at_risk_customers']:,}" in shown
    people = pd.read_csv(demo_site / "data" / "contacts.csv", dtype=str)
    customers = pd.read_csv(demo_site / "data" / "customers.csv", dtype=str)

    def contact_names(region: str) -> set[str]:
        ids = customers.loc[customers["region"] == region, "customer_id"]
        names = set(people.loc[people["customer_id"].isin(ids), "name"].dropna())
        return names - set(customers["owner"].dropna())  # (the demo's reps share names with some contacts)

    east_names = contact_names(REGIONS["east"])
    for page in (region_builds["east"] / "customers").rglob("*.html"):  # contacts = false
        text = page.read_text(encoding="utf-8")
        assert not [n for n in east_names if n in text], page
    south_pages = "".join(p.read_text("utf-8") for p in (region_builds["south"] / "customers").rglob("index.html"))
    assert any(n in south_pages for n in contact_names(REGIONS["south"]))  # contacts default to true


# --- an owner filter on a hand fixture --------------------------------------------------------------------

OWNER_FILES = {
    "customers.csv": "customer_id,name,region,owner\nA1,Alpha Ltd,East,Ann\nB1,Beta Ltd,East,Bo\nA2,Acme Ltd,West,Ann\n",
    "orders.csv": "order_id,customer_id,order_date,amount,owner\nO1,A1,2026-05-01,100,Ann\nO2,A1,2026-05-02,50,Bo\n"
                  "O3,B1,2026-05-03,70,Ann\nO4,A2,2026-05-04,30,Ann\n",
    "pipeline.csv": "opportunity_id,customer_id,owner,stage,amount,created_date\nD1,A1,Ann,Proposal,500,2026-05-01\n"
                    "D2,B1,Bo,Proposal,900,2026-05-01\nD3,,Ann,Lead,40,2026-05-01\nD4,,Bo,Lead,60,2026-05-01\n",
    "stage_history.csv": "opportunity_id,stage,entered_date\nD1,Proposal,2026-05-01\nD2,Proposal,2026-05-01\n",
    "contacts.csv": "customer_id,name,email\nA1,Amy,amy@alpha.example\nB1,Ben,ben@beta.example\n",
    "targets.csv": "period,owner,revenue_target\n2026-05,Ann,1000\n2026-05,Bo,2000\n2026-05,,3000\n",
}
OWNER_CONFIG = """
[[audiences]]
name = "ann"
owner = ["Ann"]

[[audiences]]
name = "ann-east"
owner = ["Ann"]
region = ["East"]
contacts = false

[[audiences]]
name = "east"
region = ["East"]
"""


def test_owner_filter_keeps_their_customers_and_every_row_about_them(make_site) -> None:
    root = make_site(OWNER_FILES, OWNER_CONFIG)
    config = load_config(cwd=root)
    dataset = load_dataset(config)

    def ids(name: str, table: str, column: str) -> list[str]:
        sliced = slice_dataset(dataset, select_audience(config, name).audience)
        return sorted(sliced.tables[table][column].astype(str)) if table in sliced.tables else []

    assert ids("ann", "customers", "customer_id") == ["A1", "A2"]
    assert ids("ann", "orders", "order_id") == ["O1", "O2", "O4"]  # Bo's order of Ann's customer; not Ann's of Bo's
    assert ids("ann", "pipeline", "opportunity_id") == ["D1", "D3"]  # and Ann's deal without a customer
    assert ids("ann", "stage_history", "opportunity_id") == ["D1"]
    assert ids("ann", "contacts", "email") == ["amy@alpha.example"]
    assert ids("ann", "targets", "revenue_target") == ["1000.0"]
    assert ids("ann-east", "customers", "customer_id") == ["A1"] and ids("ann-east", "contacts", "email") == []
    assert ids("east", "customers", "customer_id") == ["A1", "B1"] and ids("east", "targets", "owner") == []
    assert ids("east", "pipeline", "opportunity_id") == ["D1", "D2"]


def test_a_rep_sees_only_their_own_scorecard(make_site, tmp_path: Path) -> None:
    root = make_site(OWNER_FILES, OWNER_CONFIG)
    out = build_site(select_audience(load_config(cwd=root), "ann"), out=tmp_path / "ann", as_of=AS_OF, jobs=1).out
    team = pd.read_csv(out / "data" / "team.csv")
    assert team["owner"].tolist() == ["Ann"]
    assert [p.parent.name for p in (out / "team").glob("*/index.html")] == ["ann"]
    assert 'href="bo/index.html"' not in (out / "team" / "index.html").read_text(encoding="utf-8")
    assert "Beta Ltd" not in "".join(p.read_text("utf-8") for p in out.rglob("*") if p.suffix in (".html", ".js",
                                                                                                   ".csv", ".json"))


def test_fingerprint_and_record_name_the_audience(make_site, tmp_path: Path) -> None:
    root = make_site(OWNER_FILES, OWNER_CONFIG)
    config = load_config(cwd=root)
    out = tmp_path / "out"
    first = build_site(select_audience(config, "ann"), out=out, as_of=AS_OF, jobs=1)
    again = build_site(select_audience(config, "ann"), out=out, as_of=AS_OF, jobs=1)
    other = build_site(select_audience(config, "east"), out=out, as_of=AS_OF, jobs=1)
    assert not first.reused and again.reused and not other.reused
    assert json.loads((out / ".sitegen-build.json").read_text("utf-8"))["audience"] == "east"
    assert "Beta Ltd" in (out / "data" / "customers.csv").read_text("utf-8")


# --- the command line -------------------------------------------------------------------------------------


def test_cli_build_all_audiences_check_and_digest(make_site, tmp_path: Path, monkeypatch) -> None:
    root = make_site(OWNER_FILES, OWNER_CONFIG + '\n[[audiences]]\nname = "typo"\nowner = ["Anne"]\n')
    monkeypatch.chdir(root)
    runner = CliRunner()
    out = tmp_path / "all"
    result = runner.invoke(main, ["build", "--all-audiences", "--out", str(out), "--jobs", "1", "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["ann", "ann-east", "east", "typo"]
    assert "Beta Ltd" not in (out / "ann" / "data" / "customers.csv").read_text("utf-8")
    both = runner.invoke(main, ["build", "--all-audiences", "--audience", "ann", "--out", str(out)])
    assert both.exit_code == 2 and "not both" in both.output
    unknown = runner.invoke(main, ["build", "--audience", "nobody", "--out", str(tmp_path / "x")])
    assert unknown.exit_code == 2 and "unknown audience 'nobody'" in unknown.output
    check = runner.invoke(main, ["check", "--audience", "ann", "--as-of", AS_OF])
    assert check.exit_code == 0, check.output
    assert "audience 'typo': no customer has owner 'Anne'" in check.output
    digest = runner.invoke(main, ["digest", "--audience", "ann", "--period", "2026-05", "--as-of", AS_OF,
                                  "--base-url", "https://intra.example/ann/"])
    assert digest.exit_code == 0, digest.output
    assert "Alpha Ltd" in digest.output and "Beta Ltd" not in digest.output
    whole = runner.invoke(main, ["digest", "--period", "2026-05", "--as-of", AS_OF, "--base-url", "https://x.example/"])
    assert "Beta Ltd" in whole.output
