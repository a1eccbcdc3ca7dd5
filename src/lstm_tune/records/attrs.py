"""Names of the attributes lstm_tune writes to trials and studies (one place, no TF import)."""

MODEL_ATTR = "model_artifact_id"  # trial: artifact id of the trial's saved .keras model
REASON_ATTR = "fail_reason"  # trial: why it failed (diverged, crashed)
PARAMS_ATTR = "params"  # trial: every parameter, fixed ones included
TRAINING_ATTR = "training"  # trial: [max_epochs, patience] it trained with (`auto` resolved)
EVALUATION_ATTR = "lstm_tune:evaluation"  # study: test metrics of the best trial, baselines
FINAL_ATTR = "lstm_tune:final"  # study: the final model's choice, members and validation figures
SPEC_ATTR = "lstm_tune:spec"  # study: the study file as validated
OWNER_ATTR = "lstm_tune:owner"  # trial (system): host, pid and start time of its process
TIE_ATTR = "tie_breaker"  # trial: the task's tie breaker at the kept epochs (mean over folds)
WORKER_ATTR = "worker"  # trial: which worker process ran it
UPDATES_ATTR = "updates_per_epoch"  # trial: optimizer updates an epoch (successive halving's unit)
PREDICTOR_ATTR = "lstm_tune:predictor"  # study: artifact ids of its predictor (tested, and refitted on all data)
VAL_FORECASTS_ATTR = "val_forecasts"  # trial: each fold's validation forecasts (data units), kept epoch
