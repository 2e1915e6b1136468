//! Units shared by the programs' reports.

/// Bytes per MiB, for printing memory sizes.
pub(crate) const MIB: f64 = 1024.0 * 1024.0;
