-- Where the tracker's last complete read of a venue account's fills ended (the venue's own fillsSince cursor), for venues
-- whose cursor stays meaningful in another process (Polymarket's names a match time and the fills seen near it). A restart
-- reads the fills from here instead of the account's whole history; a cursor is stored only after every fill it moved past
-- was booked, so a restart never skips one. `venue_key` is the venue's fillCursorKey (venue, host and account)
CREATE TABLE venue_fill_cursors (
  venue_key  TEXT PRIMARY KEY,
  cursor     TEXT NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
