"""Business rules, free of I/O."""
