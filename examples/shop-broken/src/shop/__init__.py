"""The shop after a few hurried changes: every contract is broken once."""
