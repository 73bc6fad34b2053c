"""Pure helpers with no database and no Telegram: settings, the clock, translations,
phone numbers, schedules and quiet hours, and reading what people type.
"""
