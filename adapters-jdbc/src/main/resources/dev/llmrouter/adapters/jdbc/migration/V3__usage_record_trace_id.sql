-- The W3C trace id (32 hex digits) a request was traced under, so a usage row leads to its trace;
-- NULL for a request that was not traced (and for every row written before tracing).
ALTER TABLE usage_record ADD COLUMN trace_id VARCHAR(32);
