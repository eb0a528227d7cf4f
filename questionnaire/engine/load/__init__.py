"""Loading: YAML with line marks, the model's shape, the checks, translations."""
