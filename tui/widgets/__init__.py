"""Reusable widgets of the staff terminal."""
