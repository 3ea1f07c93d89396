"""The group's pure rules: standing orders, members, meetings, motions, delegates, discipline."""
