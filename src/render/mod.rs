//! Renderers: each turns a `Breakdown` into one medium and computes nothing itself.

pub mod explain;
pub mod json;
pub mod text;
