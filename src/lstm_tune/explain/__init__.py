"""Explain a trained model: SHAP, LIME and attention, each returning one Attribution, each
measured for faithfulness (docs/architecture.md, decision 5)."""
