"""Helpers shared by the tests (not tests themselves): real libraries, the app under a pilot."""
