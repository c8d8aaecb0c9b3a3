"""Widgets own their rendering; screens lay them out."""
