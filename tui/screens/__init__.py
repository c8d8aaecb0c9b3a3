"""Screens own layout and the bindings that only make sense on them."""
