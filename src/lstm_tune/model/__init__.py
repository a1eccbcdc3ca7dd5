"""The model: build a Keras LSTM from a trial's parameters (build.py) and fit it on one
dataset (train.py). Above the data and the tasks, beneath the search that calls them."""
