"""After the search: the final model (final.py, combine.py), the study's predictor
(study_predictor.py) and its test on data the search never saw, beside the baselines, with
significance tests (evaluation.py, significance.py)."""
