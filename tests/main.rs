//! ujilab's integration tests: one binary (one link of the workspace, not ten),
//! each former test crate a module. They run the real binary or the pipeline's
//! crates against the sandbox on 127.0.0.1, and send nothing anywhere else.

// The report fixtures are large json! literals.
#![recursion_limit = "512"]

mod support;

mod annex;
mod auth_oauth_mtls;
mod bad_scenarios;
mod bundle;
mod cli;
mod cms;
mod crate_graph;
mod demo_report;
mod docs;
mod exchange_hostile;
mod fixture_site;
mod fleet;
mod hostile;
mod import;
mod init;
mod input_hardening;
mod integrity;
mod lang_id;
mod load;
mod load_limits;
mod ombudsman;
mod probes;
mod probes_from;
mod report_inputs;
mod reports;
mod sandbox_smoke;
mod scenario_schema;
mod secret_echoes;
mod spbe_layanan;
mod standards;
mod standards_evidence;
mod stopping;
mod watch;
