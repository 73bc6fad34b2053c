"""Stock waiting for a buyer: what families produced and did not sell, and the pickup list."""
