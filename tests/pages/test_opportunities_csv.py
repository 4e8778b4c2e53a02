"""data/opportunities.csv adds up by hand: 4-decimal probabilities, weighted amounts to the cent, whole days."""

from __future__ import annotations

import io

import pandas as pd

from sitegen.pages.data_files import csv_bytes, opportunity_rows


def test_probability_weighted_amount_and_age_days() -> None:
    deals = pd.DataFrame({"opportunity_id": ["A", "B", "C"], "status": ["open", "won", "lost"],
                          "amount": [1_234_567.0, 500.0, 80.0], "probability": [1 / 3, 1.0, 0.0],
                          "weighted_amount": [1_234_567.0 / 3, 0.0, 0.0], "age_days": [12.0, 3.0, None]})
    text = csv_bytes(opportunity_rows(deals)).decode()
    out = pd.read_csv(io.StringIO(text), dtype={"probability": str})
    assert out["probability"].tolist() == ["0.3333", "1.0000", "0.0000"]
    assert (out["amount"] * out["probability"].astype(float) - out["weighted_amount"]).abs().max() < 0.005
    assert out["weighted_amount"].tolist() == [411481.18, 500.0, 0.0]       # won: its amount
    assert out["age_days"].tolist()[:2] == [12, 3] and ",12\n" in text       # whole days, no ".0"
