//! Rendering snapshots and state-machine tests of the dashboard, from fixed data.
