-- Every token kind a deployment reports (Requirement 8.4), as shares of input_tokens (cached reads and
-- cache writes) and of output_tokens (reasoning); records written before this migration had none.
-- spilled_from: Azure's x-ms-spillover-from-deployment on the answer, '' when it was not spilled (8.5).
-- One statement per column: PostgreSQL and H2 agree on this form.
ALTER TABLE usage_record ADD COLUMN cached_input_tokens BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_record ADD COLUMN cache_write_tokens BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_record ADD COLUMN reasoning_tokens BIGINT DEFAULT 0 NOT NULL;
ALTER TABLE usage_record ADD COLUMN spilled_from VARCHAR DEFAULT '' NOT NULL;
