-- A place closed for a while (works, holidays) or on exceptional days, from closed_from to
-- closed_until inclusive (Paris dates). Unlike status = 'closed' it stays in searches, saying so,
-- and its page says when it reopens; « ouvert maintenant » and the nearest alternatives skip it
-- during the period. One period at a time: the next one is entered once this one is over.
ALTER TABLE places ADD COLUMN closed_from date;
ALTER TABLE places ADD COLUMN closed_until date;
ALTER TABLE places ADD CONSTRAINT places_closure_period
  CHECK ((closed_from IS NULL) = (closed_until IS NULL) AND (closed_from IS NULL OR closed_from <= closed_until));
