//! incentives: what Chongqing's investment-incentive policies pay a project, line by line,
//! with the clause behind every yuan.
//!
//! Data flow: RON rule packs → [`load`] (validated [`load::RuleBase`]) → [`engine`]
//! (pure evaluation) → [`report::Report`] (owned) → [`messages`] → renderers in [`render`].

pub mod app;
pub mod check;
pub mod engine;
pub mod inputs;
pub mod insight;
pub mod io_words;
pub mod lang;
pub mod load;
pub mod messages;
pub mod money;
pub mod pack;
pub mod project;
pub mod render;
pub mod report;
pub mod spans;
pub mod stacking_review;
pub mod status;
pub mod visible;
