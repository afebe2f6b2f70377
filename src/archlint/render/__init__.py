"""Renderers: a Report (or graph) in, text out. The only modules that format output."""
