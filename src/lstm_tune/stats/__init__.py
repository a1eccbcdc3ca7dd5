"""Numbers every layer may use: metrics in the data's units (metrics.py), the statistical
forecasters (models.py: ETS, seasonal ARIMA) that are the baselines, the hybrid models' bases
and the combinations' partners, and their counterpart for classes (linear.py: a logistic
regression). It imports nothing else from lstm_tune."""
