"""The domain: cohorts, rounds, check-ins, people, alerts, facilitators, invitations,
roster, records and reports. It reads and writes the database and emits messages
(bot.messaging); it never imports Telegram.
"""
