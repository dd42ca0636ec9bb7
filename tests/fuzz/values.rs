//! Figures and years as a pack or a project file writes them: mostly ordinary, sometimes
//! at the limits of the decimal type or of the calendar, now and then not figures at all.

use proptest::prelude::*;

/// A figure written as a pack writes one (a string of digits).
pub fn decimal() -> BoxedStrategy<String> {
    prop_oneof![
        60 => (0u64..100_000_000).prop_map(|n| n.to_string()),
        30 => (0u64..1_000_000_000, 0u32..10_000).prop_map(|(n, f)| format!("{n}.{f:04}")),
        30 => (0u32..101).prop_map(|p| format!("0.{p:02}")),
        12 => prop::sample::select(vec![
            "0",
            "1",
            "0.5",
            "10000000",
            "30000000",
            "79228162514264337593543950335",
            "7922816251426433759354395033.5",
            "0.0000000000000000000000000001",
            "9999999999999999999999999999",
        ])
        .prop_map(str::to_owned),
        1 => prop::sample::select(vec!["-1", "1e5", "", "1,000", "NaN"]).prop_map(str::to_owned),
    ]
    .boxed()
}

/// A calendar year: mostly those the shipped policies cover, sometimes at or past the
/// limits a file may write.
pub fn year() -> BoxedStrategy<u16> {
    prop_oneof![
        30 => 2018u16..=2028,
        1 => prop::sample::select(vec![0u16, 1, 1948, 1949, 2100, 2101, 9999, 65535]),
    ]
    .boxed()
}
