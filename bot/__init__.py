"""Kabar: follow-up of beneficiary families after empowerment programmes."""

__version__ = "0.1.0"
