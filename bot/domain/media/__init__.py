"""Photos and voice notes families (and facilitators) send: shown again by Telegram file id,
and copied into a media folder for staff."""
