-- nixcc timing database, version 5: which run of Nix a batch belonged to.
-- A result's database holds the latest output of every batch of the plan, including those an
-- incremental nix-build did not rebuild. `invocation` names the process that started the batch (its
-- parent: nix-build, or the daemon's worker for one client): batches started by one nix-build share
-- it, so queries can tell this build's batches from earlier ones.

ALTER TABLE builds ADD COLUMN invocation TEXT NOT NULL DEFAULT '';  -- '' for launcher builds, or when unknown
