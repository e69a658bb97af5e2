-- The person a support session names belongs to the people module (migration 0130): now that
-- its table exists, the references are enforced. Records are never deleted there (erasure
-- keeps the row, a merge keeps a pointer), so no ON DELETE rule is needed.
ALTER TABLE support_sessions
  ADD CONSTRAINT support_sessions_person_fk FOREIGN KEY (person_id) REFERENCES people (id);
ALTER TABLE support_session_participants
  ADD CONSTRAINT support_session_participants_person_fk FOREIGN KEY (person_id) REFERENCES people (id);
