//! Serde helpers that write a `Duration` as seconds in an `f64`, the unit JSON readers expect.
//!
//! Serde's own `Duration` format is `{"secs": .., "nanos": ..}`, which is exact but awkward in
//! dashboards and notebooks; snapshots meant for people and scripts use these helpers instead.

use std::time::Duration;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

/// Writes `duration` as fractional seconds.
pub(crate) fn serialize<S: Serializer>(
    duration: &Duration,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_f64(duration.as_secs_f64())
}

/// Reads fractional seconds; negative, infinite or NaN seconds are an error, not a default.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Duration, D::Error> {
    let secs = f64::deserialize(deserializer)?;
    Duration::try_from_secs_f64(secs).map_err(D::Error::custom)
}

/// The same format for `Option<Duration>`, with `None` as `null`.
pub(crate) mod option {
    use std::time::Duration;

    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `Some(duration)` as fractional seconds and `None` as `null`.
    pub(crate) fn serialize<S: Serializer>(
        duration: &Option<Duration>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match duration {
            Some(duration) => serializer.serialize_some(&duration.as_secs_f64()),
            None => serializer.serialize_none(),
        }
    }

    /// Reads fractional seconds or `null`.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Duration>, D::Error> {
        Option::<f64>::deserialize(deserializer)?
            .map(Duration::try_from_secs_f64)
            .transpose()
            .map_err(D::Error::custom)
    }
}
