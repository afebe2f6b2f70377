"""Rule types: one module per contract type, each a pure function of the graph and its options."""
