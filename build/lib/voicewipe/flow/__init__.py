"""The flow language: typed model, YAML loader with locations, templating and the JSON Schema."""
