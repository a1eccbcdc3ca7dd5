"""Search: the space, the one objective, the strategies (samplers) and the study loop."""
