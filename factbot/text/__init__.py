"""Text in matching form: normalisation, tokens, sentence spans, the lexicons, and the typed facts
of one sentence (numbers, dates, names, actions). The ground floor: imports nothing else of factbot
but `types`."""
