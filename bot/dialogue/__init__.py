"""Flow sessions in the database: start, answer, cancel, restart; versioned JSON state."""
