//! `betapool-bench calibrate`: the spin calibration (iterations per µs) as JSON, measured once
//! so that one value serves every process of a run.

use anyhow::Result;
use betapool_workloads::Calibration;

/// Measures the spin calibration and prints it as JSON.
pub(crate) fn run() -> Result<()> {
    println!("{}", serde_json::to_string(&Calibration::measure())?);
    Ok(())
}
