"""The arena terminal app (Textual). Imports ``arena``; ``arena`` never imports it."""
