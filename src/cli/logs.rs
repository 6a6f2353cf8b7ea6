//! `bifrost logs`: the request log from the terminal. Through a running server (its
//! local socket or `--url`, as `cli::backend` picks), or on a stopped server's data
//! dir for reading and compacting (`--follow` needs a server).

mod follow;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{anyhow, Context};
use clap::{Args, Subcommand, ValueEnum};

use super::{output, CmdResult, Failure};
use crate::admin::logs_source::{now_us, ExportCursor, LogSource};
use crate::store::{format_micros, LogRecord, Status};

/// `bifrost logs`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LogsArgs {
    /// `show`, `stats` or `export`; without one, lists the newest records.
    #[command(subcommand)]
    command: Option<LogsCommand>,
    #[command(flatten)]
    filters: Filters,
    /// Keep printing new records as they arrive, until Ctrl-C.
    #[arg(short, long)]
    follow: bool,
    /// Records to list (newest first).
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// One JSON object per line (NDJSON), for jq.
    #[arg(long)]
    json: bool,
}

/// The filters every listing takes.
#[derive(Debug, Args, Clone, Default)]
struct Filters {
    /// Only this provider (repeatable).
    #[arg(long)]
    provider: Vec<String>,
    /// Only this model (repeatable).
    #[arg(long)]
    model: Vec<String>,
    /// Only `success` or `error`.
    #[arg(long)]
    status: Option<String>,
    /// Only this virtual key, by name or id (repeatable).
    #[arg(long)]
    vk: Vec<String>,
    /// From this long ago (`30s`, `15m`, `1h`, `2d`, `1w`) or an RFC 3339 time.
    #[arg(long)]
    since: Option<String>,
    /// Until this long ago or an RFC 3339 time.
    #[arg(long)]
    until: Option<String>,
    /// Only records whose request or response contains this text.
    #[arg(long)]
    search: Option<String>,
}

/// `bifrost logs` subcommands.
#[derive(Debug, Subcommand)]
enum LogsCommand {
    /// Give the space retention freed back to the filesystem (compact logs.redb).
    /// Queries answer "busy, retry" while it runs; the server's writer waits.
    Compact,
    /// Print one record with its content, pretty-printed.
    Show {
        /// The request id.
        id: String,
    },
    /// Count, error rate, latency percentiles, tokens and cost.
    Stats {
        #[command(flatten)]
        filters: Filters,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write every matching record to a file or stdout. JSONL carries each record's
    /// request and response content where it is still kept (content retention, content
    /// logging on); CSV carries the metadata only.
    Export {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Jsonl)]
        format: Format,
        /// JSONL without the request and response content.
        #[arg(long)]
        no_content: bool,
        /// Write here instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        filters: Filters,
    },
}

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// One JSON object per line, with content.
    Jsonl,
    /// Comma-separated values with a header row; metadata only.
    Csv,
}

impl Filters {
    fn params(&self) -> Result<Vec<(String, String)>, Failure> {
        let mut p: Vec<(String, String)> = Vec::new();
        let mut push = |k: &str, v: &str| p.push((k.to_string(), v.to_string()));
        for v in &self.provider {
            push("providers", v);
        }
        for v in &self.model {
            push("models", v);
        }
        for v in &self.vk {
            push("virtual_key_ids", v);
        }
        if let Some(s) = &self.status {
            push("status", s);
        }
        if let Some(s) = &self.search {
            push("content_search", s);
        }
        for (flag, param, value) in [
            ("--since", "start_time", &self.since),
            ("--until", "end_time", &self.until),
        ] {
            if let Some(v) = value {
                let t = point_in_time(v)
                    .ok_or_else(|| Failure::Usage(anyhow!("{flag} {v}: expected a duration like 30s, 15m, 1h, 2d, 1w or an RFC 3339 time")))?;
                push(param, &format_micros(t));
            }
        }
        Ok(p)
    }
}

/// `1h` (that long ago) or an RFC 3339 time, in µs since the epoch.
fn point_in_time(text: &str) -> Option<u64> {
    if let Some(t) = crate::store::parse_micros(text) {
        return Some(t);
    }
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = text.split_at(split);
    let n: u64 = n.parse().ok()?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    Some(now_us().saturating_sub(n.checked_mul(secs)?.checked_mul(1_000_000)?))
}

/// Runs `bifrost logs`.
pub async fn run(args: LogsArgs, data_dir: PathBuf) -> CmdResult {
    // The server `--url` names or the local one; with neither, the log file.
    let source = match super::backend::server(&data_dir).await? {
        Some(server) => LogSource::Server(server),
        None => LogSource::file(&data_dir).await?,
    };
    match args.command {
        Some(LogsCommand::Compact) => compact(&source).await,
        Some(LogsCommand::Show { id }) => show(&source, &id).await,
        Some(LogsCommand::Stats { filters, json }) => stats(&source, &filters, json).await,
        Some(LogsCommand::Export {
            format,
            no_content,
            output,
            filters,
        }) => {
            let content = matches!(format, Format::Jsonl) && !no_content;
            export(&source, &filters, format, content, output).await
        }
        None if args.follow => follow::run(&source, &args.filters, args.json).await,
        None => {
            let mut params = args.filters.params()?;
            params.push(("limit".into(), args.limit.to_string()));
            let page = source.list(&params).await?;
            if args.json {
                let mut out = String::new();
                for r in &page.logs {
                    out.push_str(&json_line(r)?);
                }
                return output::print(&out);
            }
            let rows: Vec<Vec<String>> = page.logs.iter().map(row).collect();
            let mut text = paint(output::table(&HEADER, &rows));
            if page.pagination.total_count > page.logs.len() as u64 {
                text.push_str(&format!(
                    "({} of {} matching records; --limit for more)\n",
                    page.logs.len(),
                    page.pagination.total_count
                ));
            }
            output::print(&text)
        }
    }
}

const HEADER: [&str; 7] = [
    "TIME",
    "STATUS",
    "PROVIDER/MODEL",
    "LATENCY",
    "TOKENS",
    "COST",
    "ID",
];

fn row(r: &LogRecord) -> Vec<String> {
    let time = format_micros(r.timestamp);
    let time = time.get(..19).unwrap_or(&time).replace('T', " ");
    let status = match r.status {
        Status::Success => "ok".to_string(),
        Status::Error => format!("error {}", r.http_status),
    };
    let target = format!(
        "{}/{}",
        r.provider.as_deref().unwrap_or("-"),
        r.model.as_deref().unwrap_or(&r.model_requested)
    );
    vec![
        time,
        status,
        target,
        format!("{:.0}ms", r.latency_ms),
        r.total_tokens().to_string(),
        r.cost.map_or("-".into(), |c| format!("${c:.6}")),
        r.id.clone(),
    ]
}

/// Colours the status column on a terminal, unless `NO_COLOR` is set.
fn paint(table: String) -> String {
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if !colour {
        return table;
    }
    table
        .lines()
        .map(|line| {
            if line.contains("  error ") {
                format!("\x1b[31m{line}\x1b[0m\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect()
}

fn json_line(r: &LogRecord) -> Result<String, Failure> {
    let mut line = serde_json::to_string(r).context("cannot encode a record")?;
    line.push('\n');
    Ok(line)
}

async fn show(source: &LogSource, id: &str) -> CmdResult {
    match source.get(id).await? {
        Some(record) => output::print_json(&record),
        None => Err(Failure::Problem(anyhow!(
            "no request log record with id {id} (it may be older than the retention)"
        ))),
    }
}

async fn stats(source: &LogSource, filters: &Filters, json: bool) -> CmdResult {
    let mut params = filters.params()?;
    if filters.since.is_none() {
        params.push((
            "start_time".into(),
            format_micros(now_us().saturating_sub(86_400 * 1_000_000)),
        ));
    }
    let s = source.stats(&params).await?;
    if json {
        return output::print_json(&s);
    }
    let l = &s.latency_ms;
    output::print(&format!(
        "requests     {}\nerror rate   {:.2}%\nlatency      p50 {:.1}ms  p95 {:.1}ms  p99 {:.1}ms  mean {:.1}ms\ntokens       {}\ncost         ${:.6}\n",
        s.count,
        s.error_rate * 100.0,
        l.p50,
        l.p95,
        l.p99,
        l.average,
        s.total_tokens,
        s.total_cost
    ))
}

/// One record as `--follow` prints it: NDJSON, or a table row without the header.
fn line(record: &LogRecord, json: bool) -> Result<String, Failure> {
    if json {
        return json_line(record);
    }
    let table = paint(output::table(&HEADER, &[row(record)]));
    Ok(table.lines().nth(1).unwrap_or_default().to_string() + "\n")
}

async fn compact(source: &LogSource) -> CmdResult {
    let c = source.compact().await?;
    let mib = |b: u64| b as f64 / 1_048_576.0;
    output::print(&format!(
        "compacted the request log: {:.1} MiB -> {:.1} MiB in {} ms\n",
        mib(c.bytes_before),
        mib(c.bytes_after),
        c.took_ms
    ))
}

async fn export(
    source: &LogSource,
    filters: &Filters,
    format: Format,
    content: bool,
    path: Option<PathBuf>,
) -> CmdResult {
    const PAGE: usize = 1000;
    let params = filters.params()?;
    let mut probe = params.clone();
    probe.push(("limit".into(), "1".into()));
    let total = source.list(&probe).await?.pagination.total_count;
    let mut out: Box<dyn Write> = match &path {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(total)
    } else {
        indicatif::ProgressBar::hidden()
    };
    if let Format::Csv = format {
        writeln!(out, "{}", CSV_COLUMNS.join(",")).context("cannot write")?;
    }
    let mut cursor = ExportCursor::default();
    loop {
        let page = source
            .export_page(&params, &mut cursor, PAGE, content)
            .await?;
        if page.is_empty() {
            break;
        }
        for r in &page {
            let line = match format {
                Format::Jsonl => json_line(r)?,
                Format::Csv => csv_line(r),
            };
            out.write_all(line.as_bytes()).context("cannot write")?;
        }
        bar.inc(page.len() as u64);
    }
    out.flush().context("cannot write")?;
    bar.finish_and_clear();
    Ok(())
}

const CSV_COLUMNS: [&str; 17] = [
    "id",
    "timestamp",
    "route",
    "request_type",
    "provider",
    "model",
    "model_requested",
    "virtual_key_id",
    "virtual_key",
    "status",
    "http_status",
    "latency_ms",
    "input_tokens",
    "output_tokens",
    "cost",
    "error_type",
    "error_message",
];

fn csv_line(r: &LogRecord) -> String {
    let cells = [
        r.id.clone(),
        format_micros(r.timestamp),
        r.route.clone(),
        r.request_type.clone(),
        r.provider.clone().unwrap_or_default(),
        r.model.clone().unwrap_or_default(),
        r.model_requested.clone(),
        r.virtual_key_id.clone().unwrap_or_default(),
        r.virtual_key_name.clone().unwrap_or_default(),
        r.status.as_str().to_string(),
        r.http_status.to_string(),
        format!("{:.3}", r.latency_ms),
        r.input_tokens.to_string(),
        r.output_tokens.to_string(),
        r.cost.map(|c| c.to_string()).unwrap_or_default(),
        r.error_type.clone().unwrap_or_default(),
        r.error_message.clone().unwrap_or_default(),
    ];
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    quoted.join(",") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_times_both_parse() {
        let hour_ago = point_in_time("1h").unwrap();
        assert!(now_us() - hour_ago >= 3_600_000_000);
        assert_eq!(
            point_in_time("2025-01-01T00:00:00Z"),
            Some(1_735_689_600_000_000)
        );
        assert_eq!(point_in_time("1y"), None);
        assert_eq!(point_in_time("soon"), None);
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let r = LogRecord {
            id: "a".into(),
            error_message: Some("bad, \"very\"".into()),
            ..LogRecord::default()
        };
        assert!(csv_line(&r).ends_with(",\"bad, \"\"very\"\"\"\n"));
    }
}
