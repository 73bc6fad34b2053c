"""Rounds: one check-in period of a cohort, opened on schedule (or by hand) and closed."""
