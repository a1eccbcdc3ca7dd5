"""A study of series side by side (a wide CSV) forecasts from new data written the same
way, or in long form, as from the tails it keeps."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_tune.api import Study
from lstm_tune.errors import StudyError

from tests.conftest import TINY_SPACE, tiny_study
from tests.data.test_wide import long, wide
from tests.searched import searched

pytestmark = pytest.mark.slow


def test_a_wide_study_forecasts_from_wide_or_long_history(tmp_path):
    wide().to_csv(tmp_path / "wide.csv", index=False)
    spec, _ = searched(tmp_path, tiny_study(
        name="w", data={"csv": "wide.csv", "target": ["north", "south"], "time": "month",
                        "features": ["price"]}, window=6, season=12,
        space={**TINY_SPACE, "transform": "none"}, budget={"trials": 1},
        split={"validation": 6, "test": 6}), trials=1)
    study = Study(spec)
    kept = study.predict()
    assert kept["series"].tolist() == ["north", "south"]
    assert kept["time"].tolist() == ["2013-05"] * 2
    again = study.predict(tmp_path / "wide.csv")
    np.testing.assert_allclose(again["forecast"], kept["forecast"], rtol=1e-6)
    assert not [n for n in again.attrs["notes"] if "not read" in n]
    # the long form a panel reads, and one series of the wide one with a column beside it
    rows = long(wide()).rename(columns={"region": "series", "sales": "value"})
    np.testing.assert_allclose(study.predict(rows)["forecast"], kept["forecast"], rtol=1e-6)
    north = study.predict(wide().drop(columns="south").assign(note="x"))
    assert north["series"].tolist() == ["north"]
    assert north["forecast"].iloc[0] == pytest.approx(kept["forecast"].iloc[0], rel=1e-6)
    assert "column 'note' not read by the model (it reads month, north, price)" in \
        north.attrs["notes"]
    with pytest.raises(StudyError, match="column 'north' has a non-numeric value 'lots' at "
                                         "data row 3"):
        study.predict(wide().assign(north=wide().north.astype(object).where(
            wide().index != 2, "lots")))
    with pytest.raises(StudyError) as err:
        study.predict(wide().rename(columns={"north": "n", "south": "s"}))
    assert err.value.line().endswith(
        "none of the model's series (north, south) is a column (columns: month, n, s, price); "
        "fix: give them side by side as the study's data does, or in long form (series, "
        "month, value, price)")
