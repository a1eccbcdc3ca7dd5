"""What a study keeps in its Optuna storage, read back in one place.

The search writes trials and their attributes; the final model, evaluation, explanations
and report read them. Both sides use these modules (the attribute names, the ranking of
trials, a trial's parameters, training length and model, the artifact store), so that no
reader reaches into the search's internals and the storage stays the one source of truth.
"""
