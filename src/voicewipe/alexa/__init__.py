"""The Alexa commands: export, delete, auto-delete and wipe, run through the flows in
flows/alexa/. Python here decides what to ask the flows for and keeps the export safe; every
address, selector and label the site can change is in the YAML."""
