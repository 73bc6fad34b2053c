"""Figures for people: the facilitators' weekly digest (and, later, programme reports)."""
