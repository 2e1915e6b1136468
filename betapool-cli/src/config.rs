//! `--config FILE`: the TOML file behind the flags. Every value is read with its place in the
//! file (toml's `Spanned`), merged under the flags (a flag wins, then the file, then the
//! default), checked, and any fault reported as one `file:line:column: key: message` line.

use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

use betapool_harness::DEFAULT_SEED;
use betapool_workloads::{ArrivalSpec, Workload};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::DeTable;

use crate::cli::{CommonArgs, CompareArgs, DemoArgs, RunArgs, Sizes};
use crate::error::CliError;
use crate::settings::{
    self, Common, CompareSettings, DemoSettings, Origin, Place, RunSettings, Setting,
};
use crate::{compare, demo, run};

/// The keys of `betapool run`'s config file: its flags, `-` written `_`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunFile {
    pool: Option<Spanned<String>>,
    workload: Option<Spanned<String>>,
    tasks: Option<Spanned<usize>>,
    arrival: Option<Spanned<String>>,
    seed: Option<Spanned<u64>>,
    time_cap_s: Option<Spanned<f64>>,
    json: Option<Spanned<bool>>,
}

/// The keys of `betapool compare`'s config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CompareFile {
    workload: Option<Spanned<String>>,
    sizes: Option<Spanned<Vec<Spanned<usize>>>>,
    pools: Option<Spanned<Vec<Spanned<String>>>>,
    tasks: Option<Spanned<usize>>,
    arrival: Option<Spanned<String>>,
    seed: Option<Spanned<u64>>,
    time_cap_s: Option<Spanned<f64>>,
    out: Option<Spanned<PathBuf>>,
    json: Option<Spanned<bool>>,
}

/// The keys of `betapool demo`'s config file (`scale` is the hidden `--scale`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DemoFile {
    pools: Option<Spanned<Vec<Spanned<String>>>>,
    seed: Option<Spanned<u64>>,
    time_cap_s: Option<Spanned<f64>>,
    out: Option<Spanned<PathBuf>>,
    scale: Option<Spanned<f64>>,
    json: Option<Spanned<bool>>,
}

/// `betapool run`'s settings: its flags over its config file.
pub(crate) fn run_settings(args: RunArgs) -> Result<RunSettings, CliError> {
    let (file, values) = load::<RunFile>(args.common.config.as_deref())?;
    let m = Merge {
        file: file.as_ref(),
    };
    let pool = m
        .pick(args.pool, "--pool", values.pool, "pool")
        .ok_or_else(|| missing("--pool", "pool", "a pool spec such as static:32"))?;
    let workload = m.workload(
        args.workload,
        values.workload,
        m.pick(args.tasks, "--tasks", values.tasks, "tasks"),
        m.arrival(args.arrival, values.arrival)?,
    )?;
    let common = m.common(
        args.common,
        values.seed,
        values.json,
        m.pick(
            args.time_cap_s,
            "--time-cap-s",
            values.time_cap_s,
            "time_cap_s",
        ),
        run::DEFAULT_TIME_CAP_S,
    )?;
    Ok(RunSettings {
        pool,
        workload,
        common,
    })
}

/// `betapool compare`'s settings: its flags over its config file. The extra pools are built
/// and shut down once here, so that a bad spec is reported before the sweep starts.
pub(crate) fn compare_settings(args: CompareArgs) -> Result<CompareSettings, CliError> {
    let (file, values) = load::<CompareFile>(args.common.config.as_deref())?;
    let m = Merge {
        file: file.as_ref(),
    };
    let workload = m.workload(
        args.workload,
        values.workload,
        m.pick(args.tasks, "--tasks", values.tasks, "tasks"),
        m.arrival(args.arrival, values.arrival)?,
    )?;
    let sizes = match (args.sizes, m.file_list(values.sizes, "sizes")) {
        (Some(Sizes(sizes)), _) => sizes
            .into_iter()
            .map(|n| Setting::new(n, Origin::Flag("--sizes")))
            .collect(),
        (None, Some(list)) => {
            list.count.check(settings::check_size_count)?;
            list.items
                .into_iter()
                .map(|n| n.check(settings::check_size))
                .collect::<Result<_, _>>()?
        }
        (None, None) => compare::DEFAULT_SIZES
            .iter()
            .map(|&n| Setting::new(n, Origin::Default("--sizes")))
            .collect(),
    };
    let pools = m.pools(args.pools, values.pools)?;
    let out = m
        .pick(args.out, "--out", values.out, "out")
        .map_or_else(|| compare::default_out(&workload.name), |s| s.value);
    let common = m.common(
        args.common,
        values.seed,
        values.json,
        m.pick(
            args.time_cap_s,
            "--time-cap-s",
            values.time_cap_s,
            "time_cap_s",
        ),
        compare::DEFAULT_TIME_CAP_S,
    )?;
    Ok(CompareSettings {
        workload,
        sizes,
        pools,
        out,
        common,
    })
}

/// `betapool demo`'s settings: its flags over its config file.
pub(crate) fn demo_settings(args: DemoArgs) -> Result<DemoSettings, CliError> {
    let (file, values) = load::<DemoFile>(args.common.config.as_deref())?;
    let m = Merge {
        file: file.as_ref(),
    };
    let pools = m.pools(args.pools, values.pools)?;
    let out = m
        .pick(args.out, "--out", values.out, "out")
        .map_or_else(|| PathBuf::from(demo::DEFAULT_OUT), |s| s.value);
    let scale = match m.pick(args.scale, "--scale", values.scale, "scale") {
        Some(scale) => scale.check(settings::check_scale)?.value,
        None => 1.0,
    };
    let common = m.common(
        args.common,
        values.seed,
        values.json,
        m.pick(
            args.time_cap_s,
            "--time-cap-s",
            values.time_cap_s,
            "time_cap_s",
        ),
        demo::DEFAULT_TIME_CAP_S,
    )?;
    Ok(DemoSettings {
        pools,
        out,
        scale,
        common,
    })
}

/// The error for a setting that neither a flag nor the file gave.
fn missing(flag: &'static str, key: &str, example: &str) -> CliError {
    CliError::setting(
        Origin::Flag(flag),
        format!("missing: give {example}, on the command line or as `{key}` in the --config file"),
    )
}

/// A config file as read: the path as the user wrote it, and its text (kept to turn byte
/// offsets into lines and columns).
#[derive(Debug)]
struct ConfigText {
    path: String,
    text: String,
}

/// Reads and decodes the config file at `path`, if one was given; no file gives no values.
fn load<T: DeserializeOwned + Default>(
    path: Option<&Path>,
) -> Result<(Option<ConfigText>, T), CliError> {
    let Some(path) = path else {
        return Ok((None, T::default()));
    };
    let text = fs::read_to_string(path).map_err(|e| CliError::read_config(path.to_owned(), e))?;
    let file = ConfigText {
        path: path.display().to_string(),
        text,
    };
    match toml::from_str::<T>(&file.text) {
        Ok(values) => Ok((Some(file), values)),
        Err(e) => Err(file.decode_error(&e)),
    }
}

impl ConfigText {
    /// The origin of the value of `key` found at byte range `span`.
    fn origin(&self, key: &str, span: Range<usize>) -> Origin {
        Origin::File(self.place(span.start, Some(key.to_owned())))
    }

    /// The place of byte `offset`, with `key` as the key at fault.
    fn place(&self, offset: usize, key: Option<String>) -> Place {
        let (line, column) = line_column(&self.text, offset);
        Place {
            path: self.path.clone(),
            line,
            column,
            key,
        }
    }

    /// A TOML syntax error, an unknown key or a value of the wrong type, placed and keyed.
    /// An error without a span, should toml ever report one, is placed at the file's start.
    fn decode_error(&self, error: &toml::de::Error) -> CliError {
        let offset = error.span().map_or(0, |span| span.start);
        let place = self.place(offset, key_at(&self.text, offset));
        CliError::setting(Origin::File(place), error.message().trim_end())
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`. An offset past the
/// end (toml points one past the last byte for "unexpected end of file") is placed after the
/// last character.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    // A span always starts on a character boundary; this only guards against a bad one.
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The top-level key whose `key = value` covers byte `offset`, or failing that (a syntax error
/// the parser could not attach to a value), the bare key at the start of `offset`'s line.
pub(crate) fn key_at(text: &str, offset: usize) -> Option<String> {
    let (table, _errors) = DeTable::parse_recoverable(text);
    let covering = table.get_ref().iter().find_map(|(key, value)| {
        let whole = key.span().start..value.span().end.max(key.span().end);
        whole.contains(&offset).then(|| key.get_ref().to_string())
    });
    covering.or_else(|| key_on_line(text, offset))
}

/// The bare key before `=` on the line holding byte `offset`, or the table named by a
/// `[header]` line (the first part of a dotted name), if the line has either shape.
fn key_on_line(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text[start..].lines().next().unwrap_or("").trim();
    let key = match line.strip_prefix('[') {
        Some(header) => header.trim_start_matches('[').split([']', '.']).next()?,
        None => line.split_once('=')?.0,
    };
    let key = key.trim();
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    bare.then(|| key.to_owned())
}

/// A list from the file: the origin of the whole list (for its length) and of each item.
struct List<T> {
    count: Setting<usize>,
    items: Vec<Setting<T>>,
}

/// Merges a subcommand's flags over its config file, if any.
struct Merge<'a> {
    file: Option<&'a ConfigText>,
}

impl Merge<'_> {
    /// The flag's value if given, else the file's (placed at its value), else none.
    fn pick<T>(
        &self,
        flag: Option<T>,
        flag_name: &'static str,
        from_file: Option<Spanned<T>>,
        key: &str,
    ) -> Option<Setting<T>> {
        match flag {
            Some(value) => Some(Setting::new(value, Origin::Flag(flag_name))),
            None => self.file_value(from_file, key),
        }
    }

    /// The file's value of `key`, placed at its value.
    fn file_value<T>(&self, value: Option<Spanned<T>>, key: &str) -> Option<Setting<T>> {
        // A value can only have been decoded from a file that was read.
        let (value, file) = (value?, self.file?);
        let span = value.span();
        Some(Setting::new(value.into_inner(), file.origin(key, span)))
    }

    /// A list from the file, the whole and each item placed at itself.
    fn file_list<T>(&self, list: Option<Spanned<Vec<Spanned<T>>>>, key: &str) -> Option<List<T>> {
        // A value can only have been decoded from a file that was read.
        let (list, file) = (list?, self.file?);
        let count_origin = file.origin(key, list.span());
        let items = list.into_inner();
        Some(List {
            count: Setting::new(items.len(), count_origin),
            items: items
                .into_iter()
                .map(|item| {
                    let origin = file.origin(key, item.span());
                    Setting::new(item.into_inner(), origin)
                })
                .collect(),
        })
    }

    /// The workload: its name (required), scaled to `tasks` and given `arrival` if set.
    fn workload(
        &self,
        flag: Option<String>,
        from_file: Option<Spanned<String>>,
        tasks: Option<Setting<usize>>,
        arrival: Option<Setting<ArrivalSpec>>,
    ) -> Result<Workload, CliError> {
        let name = self
            .pick(flag, "--workload", from_file, "workload")
            .ok_or_else(|| {
                missing(
                    "--workload",
                    "workload",
                    &format!("a workload name ({})", Workload::NAMES.join(", ")),
                )
            })?;
        let named = name.check(settings::workload)?;
        let mut workload = named.value.clone();
        if let Some(tasks) = tasks {
            workload = workload.with_tasks(tasks.check(settings::check_tasks)?.value);
        }
        if let Some(arrival) = arrival {
            workload.arrival = Some(arrival.value);
        }
        // Every part was checked on its own; this only guards the whole.
        workload
            .validate()
            .map_err(|e| named.error(e.to_string()))?;
        Ok(workload)
    }

    /// The arrival process: the flag's (already parsed by clap), else the file's, parsed.
    fn arrival(
        &self,
        flag: Option<ArrivalSpec>,
        from_file: Option<Spanned<String>>,
    ) -> Result<Option<Setting<ArrivalSpec>>, CliError> {
        match flag {
            Some(spec) => Ok(Some(Setting::new(spec, Origin::Flag("--arrival")))),
            None => self
                .file_value(from_file, "arrival")
                .map(|text| text.check(settings::arrival))
                .transpose(),
        }
    }

    /// The extra pools, each built and shut down once to prove its spec.
    fn pools(
        &self,
        flag: Option<Vec<String>>,
        from_file: Option<Spanned<Vec<Spanned<String>>>>,
    ) -> Result<Vec<Setting<String>>, CliError> {
        let specs = match (flag, self.file_list(from_file, "pools")) {
            (Some(specs), _) => specs
                .into_iter()
                .map(|spec| Setting::new(spec, Origin::Flag("--pools")))
                .collect(),
            (None, Some(list)) => list.items,
            (None, None) => Vec::new(),
        };
        specs
            .into_iter()
            .map(|spec| spec.check(settings::check_pool))
            .collect()
    }

    /// Seed, time cap and output form, with `default_cap_s` when no cap is given.
    fn common(
        &self,
        args: CommonArgs,
        seed: Option<Spanned<u64>>,
        json: Option<Spanned<bool>>,
        time_cap_s: Option<Setting<f64>>,
        default_cap_s: f64,
    ) -> Result<Common, CliError> {
        let time_cap = time_cap_s
            .unwrap_or_else(|| Setting::new(default_cap_s, Origin::Default("--time-cap-s")))
            .check(settings::check_time_cap)?
            .value;
        let seed = self
            .pick(args.seed, "--seed", seed, "seed")
            .map_or(DEFAULT_SEED, |s| s.value);
        // `--json` can only turn JSON on, so an absent flag defers to the file.
        let json = args.json || self.file_value(json, "json").is_some_and(|s| s.value);
        Ok(Common {
            seed,
            time_cap,
            json,
        })
    }
}

#[cfg(test)]
mod tests;
