"""The pandas engine: the reductions of :mod:`sitegen.metrics.reduce` on the loaded frames, in memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from sitegen.config import Config
    from sitegen.dataset import Dataset
    from sitegen.metrics.reduce import Reduced


class PandasEngine:
    """Order lines, activities and stage history as pandas/numpy columns (the default; no extra package)."""

    name = "pandas"

    def reduce(self, dataset: Dataset, config: Config, as_of: pd.Timestamp) -> Reduced:
        """Every reduction for ``as_of``, with :func:`sitegen.metrics.reduce.order_lines` as the line source."""
        from sitegen.metrics.reduce import order_lines, reduce_with
        return reduce_with(dataset, config, as_of, order_lines)
