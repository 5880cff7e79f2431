"""Captures of the site: its pages and JSON as a person's browser met them, with every personal
detail replaced, in one HAR file (har.py) and a sidecar that says what was replaced.

`voicewipe capture` records a read-only walk of the privacy pages after sign-in (recorder.py),
scrubs what it recorded before anything is written (scrub.py, by the rules of the flows
folder's scrub.yaml), and writes the two files. `--replay FILE` on doctor, export and the
rehearsals runs the flows against a capture with no network (replay.py, match.py), and
`capture --diff OLD NEW` says what changed between two in what the flows rely on (diff.py):
per page its selectors and labels, read in a headless browser that builds the page from the
capture (inventory_page.py, inventory.py); per feed its JSON fields, their types and the
record types (inventory_feed.py); each change with the flows' lines that use it.
"""
