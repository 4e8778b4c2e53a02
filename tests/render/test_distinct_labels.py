"""Two figures never share a label (issue 19 §1): the at-risk customers (the churn-risk flag) and the
RFM segment "At risk" read differently in both languages."""

from __future__ import annotations

import pytest

from sitegen.render import Renderer


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_at_risk_customers_and_the_rfm_segment_have_distinct_labels(language) -> None:
    r = Renderer(language, "CNY")
    segment, flagged = r.label("at_risk"), r.translate("At-risk customers")
    assert segment not in flagged and flagged not in segment
    assert r.label("churn_risk") not in segment


def test_chinese_labels_say_which_figure_they_are() -> None:
    r = Renderer("zh-CN", "CNY")
    assert "RFM" in r.label("at_risk")
    assert r.translate("At-risk customers").startswith(r.label("churn_risk"))
