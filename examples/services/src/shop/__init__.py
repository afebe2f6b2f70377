"""An online shop built as a modular monolith."""
