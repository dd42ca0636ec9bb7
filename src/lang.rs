//! The two languages every message exists in. A leaf: the pack format, money parsing and
//! the message catalogue all speak it without importing one another.

/// Which language a message is written in; Chinese, the policies' language, by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}
