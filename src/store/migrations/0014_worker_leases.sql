-- Workers share the live strategies by lease; each job run names the worker (hostname:pid:random) that ran it
ALTER TABLE job_runs ADD COLUMN worker_id TEXT;

-- Every worker process that runs jobs, with the time its heartbeat lapses: the live ones divide the strategies
CREATE TABLE workers (
  worker_id  TEXT PRIMARY KEY,
  started_at TIMESTAMPTZ NOT NULL,
  seen_at    TIMESTAMPTZ NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);

-- One row per live strategy ('<user_id>/<strategy_id>') and one for the global jobs ('global'): its owner, while
-- expires_at is ahead; an unowned or expired row is anyone's to claim (FOR UPDATE SKIP LOCKED)
CREATE TABLE strategy_leases (
  lease_key   TEXT PRIMARY KEY,
  scope       TEXT NOT NULL CHECK (scope IN ('strategy', 'global')),
  owner       TEXT,
  acquired_at TIMESTAMPTZ,
  renewed_at  TIMESTAMPTZ,
  expires_at  TIMESTAMPTZ
);
CREATE INDEX strategy_leases_owner ON strategy_leases (owner);
