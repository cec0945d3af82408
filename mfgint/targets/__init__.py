"""Generation targets: pure functions from the Model (and graph) to files."""
