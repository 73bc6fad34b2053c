"""Facilitators and coordinators look up their families (/peserta) and alerts (/peringatan)."""
