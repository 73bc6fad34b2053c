"""Figures for people: the facilitators' weekly digest, scheduled by its owner here."""
