//! Runs a proptest strategy against a check for a stretch of time rather than a number of
//! cases, in batches with fresh seeds, shrinking the first failure (a panic is a failure).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseResult, TestError, TestRng, TestRunner};

/// How the cases of the running target ended (loaded, refused with an error, rendered …).
static TALLY: Mutex<BTreeMap<&'static str, u64>> = Mutex::new(BTreeMap::new());

/// Counts one case that ended as `outcome`.
pub fn tally(outcome: &'static str) {
    if let Ok(mut t) = TALLY.lock() {
        *t.entry(outcome).or_default() += 1;
    }
}

/// How long a target runs: `FUZZ_SECONDS` when set, else `default`.
pub fn budget(default: Duration) -> Duration {
    std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or(default, Duration::from_secs)
}

/// The first seed: `FUZZ_SEED` (decimal) to repeat a run, else the clock.
fn first_seed() -> u64 {
    std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
}

/// What a run did.
pub struct Run {
    pub cases: u64,
    pub seconds: f64,
}

/// Runs `check` on values of `strategy` until `budget` has passed, 16 cases a batch.
/// Panics with the shrunk case and the batch's seed at the first failure.
pub fn fuzz<S>(
    target: &str,
    budget: Duration,
    strategy: S,
    check: impl Fn(S::Value) -> TestCaseResult,
) -> Run
where
    S: Strategy,
    S::Value: Debug,
{
    let start = Instant::now();
    if let Ok(mut t) = TALLY.lock() {
        t.clear();
    }
    let cases = Cell::new(0u64);
    let first = first_seed();
    let mut seed = first;
    loop {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let config = Config {
            cases: 16,
            failure_persistence: None,
            max_shrink_iters: 2048,
            ..Config::default()
        };
        let mut runner =
            TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
        let result = runner.run(&strategy, |value| {
            cases.set(cases.get() + 1);
            check(value)
        });
        match result {
            Ok(()) => {}
            Err(TestError::Fail(why, value)) => panic!(
                "fuzz {target}: {why}\nminimal case: {value:#?}\nrepeat with FUZZ_SEED={seed}"
            ),
            Err(TestError::Abort(why)) => {
                panic!("fuzz {target}: aborted: {why} (FUZZ_SEED={seed})")
            }
        }
        seed = seed.wrapping_add(1);
        if start.elapsed() >= budget {
            break;
        }
    }
    let run = Run {
        cases: cases.get(),
        seconds: start.elapsed().as_secs_f64(),
    };
    let tally = TALLY.lock().map(|t| {
        t.iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    });
    println!(
        "fuzz {target}: {} cases in {:.1} s, no panics, no failed checks ({}; FUZZ_SEED={first})",
        run.cases,
        run.seconds,
        tally.unwrap_or_default()
    );
    run
}
