"""Explain a trained model: SHAP, LIME and attention, each returning one Attribution, each
measured for faithfulness (DESIGN.md decision 5 and 'Faithfulness, not just pictures')."""
