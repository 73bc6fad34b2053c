"""People as the bot sees them: who is writing, registration, onboarding, commands and
menus by role, reachability, pausing and their own data.
"""
