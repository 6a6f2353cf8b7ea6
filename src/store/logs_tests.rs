//! Tests of the block layout (`logs.rs`, `logs_block.rs`, `logs_query.rs`,
//! `logs_migrate.rs`) through the store's API, and the records of the fixture
//! `fixtures/logs-v1.redb.zst`: a request log written by the per-record layout
//! (before blocks) with the generator below, so the migration test can check every
//! one of them.

use super::logs_block::MAX_BLOCK;
use super::logs_query::{LogFilter, PageSpec, SortBy};
use super::logs_record::{LogContent, LogRecord, Status};
use super::LogStore;

/// How many records the fixture holds.
pub(super) const FIXTURE_RECORDS: u64 = 1200;

/// The fixture's record `i`: ids alternate between bifrost's UUIDv7 and client ids,
/// a virtual key by id and name (or by name only, as older records have it), every
/// seventh an error, every fifth without content.
pub(super) fn fixture_record(i: u64) -> LogRecord {
    let timestamp = 1_764_763_200_000_000 + i * 1_500_000;
    let id = if i % 3 == 0 {
        format!("client-{i}")
    } else {
        let mut rand = [0u8; 10];
        rand[..8].copy_from_slice(&i.to_be_bytes());
        uuid::Builder::from_unix_timestamp_millis(timestamp / 1000, &rand)
            .into_uuid()
            .to_string()
    };
    let error = i % 7 == 0;
    LogRecord {
        id,
        timestamp,
        latency_ms: (i % 400) as f64 + 0.5,
        route: "openai".into(),
        request_type: "chat_completion".into(),
        provider: Some(["openai", "anthropic", "groq"][(i % 3) as usize].into()),
        model_requested: format!("m{}", i % 4),
        model: Some(format!("m{}", i % 4)),
        virtual_key_id: (i % 4 != 3).then(|| format!("vk_{}", i % 5)),
        virtual_key_name: Some(format!("app-{}", i % 5)),
        status: if error { Status::Error } else { Status::Success },
        http_status: if error { 502 } else { 200 },
        error_type: error.then(|| "upstream_error".into()),
        input_tokens: i % 50,
        output_tokens: i % 30,
        cost: Some(i as f64 / 10_000.0),
        content: (i % 5 != 4).then(|| LogContent {
            request: Some(serde_json::json!({"prompt": format!("tell me {i} about the {}", if i % 100 == 42 { "zanzibar" } else { "sea" })}).into()),
            response: Some(serde_json::json!({"text": format!("answer {i}")}).into()),
        }),
        ..LogRecord::default()
    }
}

fn store() -> (tempfile::TempDir, LogStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = LogStore::open(dir.path()).unwrap();
    (dir, store)
}

fn newest(limit: usize, offset: usize) -> PageSpec {
    PageSpec {
        sort_by: SortBy::Timestamp,
        descending: true,
        limit,
        offset,
    }
}

fn blocks(store: &LogStore) -> usize {
    use redb::ReadableTableMetadata;
    let db = store.reading().unwrap();
    let txn = db.begin_read().unwrap();
    txn.open_table(super::logs::BLOCKS).unwrap().len().unwrap() as usize
}

#[test]
fn a_batch_of_1300_is_three_blocks_and_pages_cross_them_newest_first() {
    let (_dir, store) = store();
    // Handed over out of order, as a writer's batch finishes them.
    let mut records: Vec<_> = (0..1300).rev().map(fixture_record).collect();
    store.append(&mut records).unwrap();
    assert_eq!(blocks(&store), 3);
    assert_eq!(1300usize.div_ceil(MAX_BLOCK), 3);
    let errors = LogFilter {
        status: Some(Status::Error),
        providers: vec!["anthropic".into()],
        ..LogFilter::default()
    };
    let expected: Vec<u64> = (0..1300u64)
        .rev()
        .filter(|i| i % 7 == 0 && i % 3 == 1)
        .collect();
    assert!(expected.len() > 40, "matches spread over every block");
    // Pages of 7 with offsets that fall across block boundaries, in both orders.
    let mut seen = Vec::new();
    for page in 0..expected.len().div_ceil(7) {
        let got = store.page(&errors, newest(7, page * 7), false).unwrap();
        seen.extend(got.iter().map(|r| r.id.clone()));
    }
    let want: Vec<String> = expected.iter().map(|&i| fixture_record(i).id).collect();
    assert_eq!(seen, want);
    let oldest = PageSpec {
        descending: false,
        ..newest(5, 20)
    };
    let got = store.page(&errors, oldest, false).unwrap();
    let want: Vec<String> = expected
        .iter()
        .rev()
        .skip(20)
        .take(5)
        .map(|&i| fixture_record(i).id)
        .collect();
    assert_eq!(got.iter().map(|r| r.id.clone()).collect::<Vec<_>>(), want);
    // An export pages through everything oldest first.
    let mut after = None;
    let mut all = Vec::new();
    loop {
        let page = store
            .scan(&LogFilter::default(), after, 100, false)
            .unwrap();
        let Some((k, _)) = page.last() else { break };
        after = Some(*k);
        all.extend(page.into_iter().map(|(_, r)| r.timestamp));
    }
    assert_eq!(all.len(), 1300);
    assert!(all.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn batches_that_overlap_in_time_still_page_in_time_order() {
    let (_dir, store) = store();
    // The second batch holds a slow request that arrived before the whole first one.
    let mut first: Vec<_> = (10..20).map(fixture_record).collect();
    let mut second: Vec<_> = [0].into_iter().chain(20..30).map(fixture_record).collect();
    store.append(&mut first).unwrap();
    store.append(&mut second).unwrap();
    let all = store
        .page(&LogFilter::default(), newest(100, 0), false)
        .unwrap();
    let ts: Vec<u64> = all.iter().map(|r| r.timestamp).collect();
    assert_eq!(ts.len(), 21);
    assert!(ts.windows(2).all(|w| w[0] > w[1]), "{ts:?}");
    let asc = store.scan(&LogFilter::default(), None, 3, false).unwrap();
    assert_eq!(asc[0].1.id, fixture_record(0).id);
    assert_eq!(asc[1].1.id, fixture_record(10).id);
}

#[test]
fn deleting_part_of_a_block_keeps_the_rest_findable() {
    let (_dir, store) = store();
    let mut records: Vec<_> = (0..600).map(fixture_record).collect();
    store.append(&mut records).unwrap();
    let groq = LogFilter {
        providers: vec!["groq".into()],
        ..LogFilter::default()
    };
    assert_eq!(store.delete(&groq, 100).unwrap(), 200);
    assert_eq!(store.delete(&groq, 100).unwrap(), 0, "deleted once only");
    assert!(store.page(&groq, newest(10, 0), false).unwrap().is_empty());
    assert!(store.get(&fixture_record(2).id).unwrap().is_none());
    let kept = store.get(&fixture_record(4).id).unwrap().unwrap();
    assert_eq!(kept, fixture_record(4));
    let all = store.summarize(&LogFilter::default(), false).unwrap();
    assert_eq!(all.count, 400);
    let walked = store.summarize(&LogFilter::default(), true).unwrap();
    assert_eq!(walked.count, 400);
    // Deleting every record left in a block drops it.
    assert_eq!(blocks(&store), 2);
    assert_eq!(store.delete(&LogFilter::default(), 1000).unwrap(), 400);
    assert_eq!(blocks(&store), 0);
}

#[test]
fn content_retention_drops_content_but_keeps_metadata() {
    let (_dir, store) = store();
    let mut old: Vec<_> = (0..100).map(fixture_record).collect();
    let mut new: Vec<_> = (100..200).map(fixture_record).collect();
    store.append(&mut old).unwrap();
    store.append(&mut new).unwrap();
    let cutoff = fixture_record(150).timestamp;
    // 80 of the older block's records had content; the newer block is not past.
    assert_eq!(store.prune(0, cutoff, 1000).unwrap(), (0, 80));
    let r = store.get(&fixture_record(3).id).unwrap().unwrap();
    assert_eq!(r.content, None);
    assert_eq!(r.provider, fixture_record(3).provider);
    let r = store.get(&fixture_record(103).id).unwrap().unwrap();
    assert_eq!(r, fixture_record(103));
    let search = LogFilter {
        content_search: Some("zanzibar".into()),
        ..LogFilter::default()
    };
    let found = store.page(&search, newest(10, 0), true).unwrap();
    assert_eq!(
        found.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        [fixture_record(142).id]
    );
    // Record retention drops the block whose newest record is past the cutoff.
    assert_eq!(store.prune(cutoff, 0, 1000).unwrap(), (100, 0));
    assert!(store.get(&fixture_record(3).id).unwrap().is_none());
}

#[test]
fn ids_are_found_whether_bifrost_or_the_client_made_them() {
    let (_dir, store) = store();
    let mut records: Vec<_> = (0..50).map(fixture_record).collect();
    store.append(&mut records).unwrap();
    let uuid = fixture_record(7).id;
    assert!(uuid::Uuid::parse_str(&uuid).is_ok_and(|u| u.get_version_num() == 7));
    assert_eq!(store.get(&uuid).unwrap().unwrap(), fixture_record(7));
    assert_eq!(store.get("client-9").unwrap().unwrap(), fixture_record(9));
    assert!(store.get("client-10").unwrap().is_none());
    // A reused client id finds the newest record.
    let mut again = vec![LogRecord {
        timestamp: fixture_record(49).timestamp + 1,
        ..fixture_record(9)
    }];
    store.append(&mut again).unwrap();
    assert_eq!(store.get("client-9").unwrap().unwrap(), again[0]);
}

#[test]
fn virtual_keys_filter_by_id_or_name() {
    let (_dir, store) = store();
    let mut records: Vec<_> = (0..100).map(fixture_record).collect();
    store.append(&mut records).unwrap();
    let count = |vk: &str| {
        let f = LogFilter {
            virtual_keys: vec![vk.into()],
            ..LogFilter::default()
        };
        let page = store.page(&f, newest(1000, 0), false).unwrap().len();
        let walked = store.summarize(&f, true).unwrap().count as usize;
        assert_eq!(page, walked, "{vk}");
        page
    };
    // vk_1 / app-1: i % 5 == 1; a quarter of them (i % 4 == 3) carry the name only.
    let want = (0..100).filter(|i| i % 5 == 1).count();
    assert_eq!(count("app-1"), want);
    let with_id = (0..100).filter(|i| i % 5 == 1 && i % 4 != 3).count();
    assert_eq!(count("vk_1"), with_id);
    assert_eq!(count("nobody"), 0);
}

#[test]
fn a_log_of_the_per_record_layout_is_converted_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let packed: &[u8] = include_bytes!("fixtures/logs-v1.redb.zst");
    let bytes = zstd::decode_all(packed).unwrap();
    std::fs::write(dir.path().join(super::LOGS_FILE_NAME), bytes).unwrap();
    let store = LogStore::open(dir.path()).unwrap();
    let n = FIXTURE_RECORDS;
    for i in 0..n {
        let want = fixture_record(i);
        assert_eq!(
            store.get(&want.id).unwrap().as_ref(),
            Some(&want),
            "record {i}"
        );
    }
    let all = store
        .page(&LogFilter::default(), newest(10_000, 0), true)
        .unwrap();
    let want: Vec<LogRecord> = (0..n).rev().map(fixture_record).collect();
    assert_eq!(all, want);
    let filters = [
        LogFilter {
            providers: vec!["groq".into()],
            status: Some(Status::Error),
            ..LogFilter::default()
        },
        LogFilter {
            models: vec!["m1".into()],
            ..LogFilter::default()
        },
        LogFilter {
            virtual_keys: vec!["app-2".into()],
            ..LogFilter::default()
        },
        LogFilter {
            content_search: Some("zanzibar".into()),
            ..LogFilter::default()
        },
    ];
    for f in filters {
        let got = store.page(&f, newest(10_000, 0), true).unwrap();
        let want: Vec<LogRecord> = (0..n)
            .rev()
            .map(fixture_record)
            .filter(|r| f.matches(r))
            .collect();
        assert!(!want.is_empty(), "{f:?}");
        assert_eq!(got, want, "{f:?}");
        assert_eq!(store.summarize(&f, false).unwrap().count, want.len() as u64);
    }
    // The old tables are gone, and a second open has nothing to convert.
    drop(store);
    let store = LogStore::open(dir.path()).unwrap();
    let db = store.reading().unwrap();
    let names: Vec<String> = {
        use redb::TableHandle;
        db.begin_read()
            .unwrap()
            .list_tables()
            .unwrap()
            .map(|t| t.name().to_string())
            .collect()
    };
    assert!(
        !names.iter().any(|n| n == "log_facts" || n == "log_index"),
        "{names:?}"
    );
}
