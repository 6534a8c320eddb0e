"""The backend plan (pure): every meaning check in one place (`check`), and the whole backend compiled once —
every component's statements per role fitted into that role's budget (`backend`)."""
