"""The shared suite every task passes, on every framing it serves: the head fits the data,
decoding gives one prediction per sample in the data's terms, the validation logs carry the
objective, the test scores lead with the task's metric, and the baselines predict exactly
the samples the model is scored on."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from lstm_tune.data.framing import frame, load_data
from lstm_tune.data.settings import DataSettings
from lstm_tune.model.build import build_model
from lstm_tune.tasks import get_task

PARAMS = {"layers": 1, "units_1": 4, "learning_rate": 1e-3, "batch_size": 8}


class TaskSuite:
    task = ""
    settings: DataSettings

    def data(self):
        return frame(self.settings, load_data(self.settings))

    def test_metric_and_direction(self):
        t = get_task(self.task)
        assert t.name == self.task and t.direction in ("minimize", "maximize") and t.loss

    def test_head_decode_and_validation_logs(self):
        t, data = get_task(self.task), self.data()
        model = build_model(PARAMS, data.window, len(data.channel_names), self.task,
                            n_outputs=t.outputs(data), masked=data.masked)
        raw = np.asarray(model.predict(data.val.x, verbose=0))
        assert raw.shape == (len(data.val), t.outputs(data))
        decoded = t.decode(data, raw, data.val.ref, data.val.series)
        assert len(decoded) == len(data.val)
        assert np.shape(decoded) == np.shape(data.actual(data.val))
        actual = data.actual(data.val)
        numeric = np.asarray(actual).dtype.kind in "fiu"
        assert (np.asarray(decoded).dtype.kind in "fiu") == numeric
        if not numeric:  # class labels, from the training classes
            assert {str(v) for v in decoded} <= set(data.classes)
        logs = t.validation_logs(data, raw)
        assert logs[f"val_{data.metric}"] == t.validation_value(data, raw)
        assert t.tie_breaker is None or t.tie_breaker in logs

    def test_scores_lead_with_the_metric_and_know_a_perfect_predictor(self):
        t, data = get_task(self.task), self.data()
        actual = data.actual(data.test)
        perfect = t.scores(data, data.test, actual)
        assert next(iter(perfect)) == data.metric and data.metric in t.metrics
        best = 0.0 if t.direction == "minimize" else 1.0
        assert perfect[data.metric] == best
        assert t.by_step(data, data.test, actual) == [best] * data.horizon

    def test_baselines_predict_the_scored_samples(self):
        t, data = get_task(self.task), self.data()
        baselines = t.baselines(data, data.test)
        assert len(baselines) >= 2
        for b in baselines:
            assert np.shape(b.predicted) == np.shape(data.actual(data.test)) and b.method
            assert data.metric in t.scores(data, data.test, b.predicted)

    def test_what_a_statistical_model_leaves_is_tested_before_the_test_part(self):
        """Forecasts: every statistical baseline's errors are tested in every series, and
        the test part's values, made 100 times larger, change nothing. Classes: nothing."""
        t, data = get_task(self.task), self.data()
        before = t.leftover(data, data.test)
        if data.classes:
            assert before == {}
            return
        assert set(before) == {"ets", "seasonal_arima" if data.season > 1 else "arima"}
        for found in before.values():
            assert set(found["series"]) == {n or data.table.target_name
                                            for n in data.series_names}
            assert found["tested"] == len(data.series_names) >= found["noise"] >= 0
        target = np.array(data.table.target, dtype=float)
        target[np.unique(data.test.target_idx)] *= 100
        changed = replace(data, table=replace(data.table, target=target))
        assert t.leftover(changed, changed.test) == before

    def test_the_reference_is_a_naive_baseline_of_the_split_or_none(self):
        """Forecasts: persistence on the split it is asked for (the same as the baselines'
        on the test part; nothing of the test part on validation). Classes: none."""
        t, data = get_task(self.task), self.data()
        if data.classes:
            assert t.reference(data, data.val) is None
            return
        test = t.reference(data, data.test)
        named = {b.name: b for b in t.baselines(data, data.test)}
        np.testing.assert_array_equal(test.predicted, named[test.name].predicted)
        val = t.reference(data, data.val)
        assert np.shape(val.predicted) == np.shape(data.actual(data.val))
        target = np.array(data.table.target, dtype=float)
        target[np.unique(data.test.target_idx)] *= 100
        changed = replace(data, table=replace(data.table, target=target))
        np.testing.assert_array_equal(t.reference(changed, changed.val).predicted, val.predicted)

    def test_compare_ties_a_predictor_with_itself_and_never_fails_a_perfect_one(self):
        """The significance test of the task's kind (Diebold-Mariano or McNemar) on the
        test samples: a baseline against itself ties; a perfect predictor is on the better
        side of every imperfect baseline and never loses."""
        t, data = get_task(self.task), self.data()
        actual = data.actual(data.test)
        better = -1 if t.direction == "minimize" else 1  # the difference is model - baseline
        for b in t.baselines(data, data.test):
            same = t.compare(data, data.test, b.predicted, b.predicted)
            assert same.verdict == "ties" and same.difference == 0, b.name
            perfect = t.compare(data, data.test, actual, b.predicted)
            assert perfect.verdict in ("beats", "ties"), b.name
            assert better * perfect.difference >= 0, b.name
            if t.scores(data, data.test, b.predicted)[data.metric] != \
                    t.scores(data, data.test, actual)[data.metric]:
                assert better * perfect.difference > 0, b.name

    def test_by_series_names_the_series_of_a_panel_and_nothing_else(self):
        t, data = get_task(self.task), self.data()
        table = t.by_series(data, data.test, data.actual(data.test))
        table_of = getattr(data, "table", None)
        panel = bool(getattr(table_of, "panel", False)) and t.name == "forecast"
        assert set(table) == (set(data.series_names) if panel else set())
        for errors in table.values():  # a perfect predictor's errors, series by series
            assert errors[data.metric] == 0.0

    def test_what_an_explanation_explains(self):
        """One explained output per sample, named; a perfect prediction has no error; a
        classifier explains the class asked for, else the positive one of two, else each
        sample's predicted class."""
        t, data = get_task(self.task), self.data()
        raw = np.random.default_rng(0).random((len(data.test), t.outputs(data)))
        output = t.explained_output(data, raw)
        picked = t.pick(raw, output, 0)
        assert picked.shape == (len(raw),)
        assert t.output_name(data, output, 0) and t.output_scale(data, output, 0)
        actual = data.actual(data.test)
        errors, scaled = t.sample_errors(data, data.test, actual, actual)
        assert np.all(errors == 0) and (scaled is None or np.all(scaled == 0))
        if not data.classes:
            assert output is None
            np.testing.assert_array_equal(picked, raw[:, 0])
            return
        last = data.classes[-1]
        assert t.explained_output(data, raw, last) == len(data.classes) - 1
        np.testing.assert_array_equal(t.pick(raw, len(data.classes) - 1, 0), raw[:, -1])
        if len(data.classes) == 2:
            assert output == 1 and t.output_name(data, 1, 0) == f"probability of class {last!r}"
        else:
            np.testing.assert_array_equal(output, raw.argmax(axis=1))
            np.testing.assert_array_equal(picked, raw.max(axis=1))

    def test_tables_count_every_test_sample_once(self):
        """A classifier's confusion matrix holds each test sample once, on the diagonal for
        a perfect predictor, and its per-class figures are perfect there; a forecast has no
        such tables (its per-series table is `by_series`)."""
        t, data = get_task(self.task), self.data()
        actual = [str(v) for v in np.asarray(data.actual(data.test)).tolist()]
        tables = t.tables({"test": {"actual": actual, "predicted": actual}}, data.classes)
        if not data.classes:
            assert tables == {}
            return
        confusion = np.asarray(tables["confusion"])
        assert confusion.shape == (len(data.classes),) * 2
        assert confusion.sum() == len(actual) and confusion.trace() == len(actual)
        assert [confusion[i].sum() for i in range(len(data.classes))] == \
            [actual.count(c) for c in data.classes]
        rows = {r["class"]: r for r in tables["per_class"]}
        assert list(rows) == list(data.classes)
        for c, row in rows.items():
            assert row["test"] == actual.count(c)
            assert row["recall"] == 1.0 or not row["test"], row

    def test_readable_gives_what_the_evaluation_scores(self):
        """A predictor's outputs read as people read them: one prediction per sample in the
        shape of the actual values (classes: the most probable, with the probabilities)."""
        t, data = get_task(self.task), self.data()
        outputs = np.random.default_rng(1).random((len(data.test), t.outputs(data)))
        predicted, proba = t.readable(outputs, data.classes, data.horizon)
        assert np.shape(predicted) == np.shape(data.actual(data.test))
        assert t.scores(data, data.test, predicted, proba)
        if data.classes:
            assert proba is outputs
            assert list(predicted) == [data.classes[i] for i in outputs.argmax(axis=1)]
        else:
            assert proba is None

    def test_a_class_to_explain_is_one_of_the_datas(self):
        """`explain --class`: nothing asked is fine; a class the data has is fine for a
        classifier; anything else is a problem that names the classes there are."""
        t, data = get_task(self.task), self.data()
        assert t.class_problem(data, None) is None
        problem = t.class_problem(data, "no such class")
        assert "'no such class'" in problem
        for c in data.classes:
            assert t.class_problem(data, c) is None and c in problem
        if not data.classes:
            assert "forecast" in problem

    def test_served_names_the_models_output(self):
        t, data = get_task(self.task), self.data()
        words = t.served(data.classes, data.horizon)
        assert all(c in words for c in data.classes)
        assert ("probabilities" in words) == bool(data.classes)
        assert (f"(batch, {data.horizon})" in words) != bool(data.classes)

    def test_kept_forecasts_are_the_validation_forecasts_in_the_datas_units(self):
        """What a trial keeps for the predictor's intervals: a forecaster's validation
        forecasts, decoded as the evaluation decodes them; a classifier keeps nothing."""
        t, data = get_task(self.task), self.data()
        model = build_model(PARAMS, data.window, len(data.channel_names), self.task,
                            n_outputs=t.outputs(data), masked=data.masked)
        kept = t.kept_forecasts(data, model)
        if data.classes:
            assert kept is None
            return
        raw = np.asarray(model.predict(data.val.x, verbose=0))
        np.testing.assert_allclose(
            kept, t.decode(data, raw, data.val.ref, data.val.series), rtol=1e-5)
        assert np.shape(kept) == np.shape(data.actual(data.val))
