"""Owners named somewhere but with nothing in the analysis window (a rep who left) get a team page
marked inactive, in both languages; a build never crashes on them (issue 14, defect 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.build import build_site
from sitegen.config import load_config

AS_OF = "2026-07-01"
CUSTOMERS = "customer_id,name,owner\nC1,Acme,Alice\n"
RECENT_ORDER = "C1,2026-06-01,50,Alice\n"

VARIANTS = {
    # a rep whose only order is years older than the window
    "old-order": ({"orders.csv": "customer_id,order_date,amount,owner\n" + RECENT_ORDER + "C1,2020-01-01,5,Zed\n",
                   "customers.csv": CUSTOMERS}, "Zed"),
    # a lost deal from 2019 owned by someone with no recent activity
    "old-lost-deal": ({"orders.csv": "customer_id,order_date,amount,owner\n" + RECENT_ORDER,
                       "customers.csv": CUSTOMERS,
                       "pipeline.csv": "opportunity_id,customer_id,owner,stage,status,created_date,close_date,amount,"
                                       "lost_at_stage\nO1,C1,Bob,lost,lost,2019-01-01,2019-03-01,100,proposal\n"},
                      "Bob"),
    # an old order without owner for a customer missing from customers.csv: it belongs to "unassigned",
    # who owns that customer (so is not inactive)
    "old-unowned-order": ({"orders.csv": "customer_id,order_date,amount,owner\n" + RECENT_ORDER + "C9,2020-01-01,5,\n",
                           "customers.csv": CUSTOMERS}, None),
}


def build(root: Path, files: dict[str, str], language: str = "en") -> Path:
    (root / "data").mkdir(parents=True)
    for name, text in files.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    (root / "sitegen.toml").write_text(f'[site]\nlanguage = "{language}"\n', encoding="utf-8")
    return build_site(load_config(cwd=root), as_of=AS_OF, jobs=1).out


def team_pages(out: Path) -> dict[str, str]:
    return {p.parent.name: p.read_text(encoding="utf-8") for p in (out / "team").glob("*/index.html")}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_owner_without_recent_figures_builds_with_a_team_page(tmp_path: Path, variant: str) -> None:
    files, inactive = VARIANTS[variant]
    out = build(tmp_path, files)
    pages = team_pages(out)
    index = (out / "team" / "index.html").read_text(encoding="utf-8")
    assert "alice" in pages and "Inactive" not in pages["alice"]
    assert variant != "old-unowned-order" or "unassigned" in pages
    for slug, html in pages.items():  # every owner page links back to the team index from its own depth
        assert 'href="../index.html"' in html, slug
    if inactive is not None:
        slug = inactive.lower()
        assert slug in pages
        assert f"<h1>{inactive}</h1>" in pages[slug]
        assert 'id="inactive"' in pages[slug] and "no figures in the scorecard" in pages[slug]
        assert f'team/{slug}/index.html">{inactive}</a> <span class="badge">Inactive</span>' in index
    # one badge per table (the appraisal and the scorecard), none for an active team
    assert index.count('<span class="badge">Inactive</span>') == (2 if inactive else 0)


def test_inactive_owner_is_marked_in_chinese(tmp_path: Path) -> None:
    files, _ = VARIANTS["old-order"]
    out = build(tmp_path, files, language="zh-CN")
    zed = (out / "team" / "zed" / "index.html").read_text(encoding="utf-8")
    index = (out / "team" / "index.html").read_text(encoding="utf-8")
    assert "不活跃" in zed and "该负责人在业绩看板中没有数据" in zed
    assert 'team/zed/index.html">Zed</a> <span class="badge">不活跃</span>' in index
    assert "Inactive" not in zed + index


def test_an_owner_named_like_a_catalog_key_keeps_their_name(tmp_path: Path) -> None:
    """Owners are names, not labels: 'Team' and 'new' stay as written on the Chinese site; only the
    'unassigned' placeholder is translated."""
    out = build(tmp_path / "site", {
        "orders.csv": "customer_id,order_date,amount,owner\nC1,2026-06-01,50,Team\nC2,2026-06-02,60,new\n"
                      "C3,2026-06-03,5,\n",
        "customers.csv": "customer_id,name\nC1,A\nC2,B\nC3,C\n"}, "zh-CN")
    index = (out / "team" / "index.html").read_text(encoding="utf-8")
    assert 'team/team/index.html">Team</a>' in index and 'team/new/index.html">new</a>' in index
    assert 'team/team/index.html">团队</a>' not in index and ">未分配</a>" in index
