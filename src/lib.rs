//! incentives: what Chongqing's investment-incentive policies pay a project, line by line,
//! with the clause behind every yuan.
//!
//! Data flow: RON rule packs → [`load`] (validated [`load::RuleBase`]) → [`engine`]
//! (pure evaluation) → [`breakdown::Breakdown`] → renderers in [`render`].

pub mod breakdown;
pub mod check;
pub mod cli;
pub mod engine;
pub mod inputs;
pub mod load;
pub mod money;
pub mod pack;
pub mod project;
pub mod render;
