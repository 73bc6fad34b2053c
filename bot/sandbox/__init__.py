"""The sandbox: a fake Telegram Bot API on loopback and the demo that drives Kabar
through it. No production path imports it except `kabar demo`.
"""
