"""What the person who keeps Kabar running looks at: its state, and what needs them."""
