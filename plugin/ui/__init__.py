"""Thin UI: widgets that gather input and call the same functions as the Processing algorithms."""
