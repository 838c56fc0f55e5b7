"""Files -> documents -> labelled sentences with exact offsets."""
