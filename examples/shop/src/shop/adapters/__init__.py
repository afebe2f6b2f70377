"""Talking to the outside world."""
