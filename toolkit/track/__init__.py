"""After sending: a log of the requests sent (:mod:`.log`), their deadlines, the law's remedies
(:mod:`.remedies`), follow-ups and appeals (:mod:`.letters`), a calendar (:mod:`.ical`) and an export
of the record (:mod:`.export`). Nothing is imported here, so ``import toolkit`` does not load SQLAlchemy."""
